package dev.lode.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import dev.lode.core.Lsn;
import dev.lode.core.replication.PgConnector;
import dev.lode.core.replication.ReplicationSettings;
import dev.lode.spring.boot.autoconfigure.health.Secrets;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link LodeSync} when lode did not process everything committed in time, or cannot: the
 * message names the slot, the state, the target and acknowledged positions, and what is pending.
 *
 * @since 0.1.0
 */
public class LodeSyncException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private static final String SENT_LSN = "select r.sent_lsn::text from pg_stat_replication r"
			+ " join pg_replication_slots s on s.active_pid = r.pid where s.slot_name = ?";

	/**
	 * @param message the message
	 * @param cause the cause
	 */
	public LodeSyncException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	static LodeSyncException notProcessed(WalReplicationContainer container, @Nullable Lsn target, Duration timeout) {
		ReplicationSettings settings = container.getSettings();
		ReplicationState state = container.getState();
		Lsn acknowledged = container.getLastAcknowledgedLsn();
		Lsn received = container.getLastReceivedLsn();
		StringBuilder message = new StringBuilder("lode has not processed everything committed");
		if (target != null) {
			message.append(" up to ").append(target).append(" within ").append(timeout);
		}
		message.append(" (slot '").append((settings != null) ? settings.slotName() : "?").append("', state ")
			.append(state).append(", acknowledged ").append(text(acknowledged)).append(", received ")
			.append(text(received)).append("): ").append(pending(container, state, target));
		return new LodeSyncException(message.toString(), container.getLastError());
	}

	private static String pending(WalReplicationContainer container, ReplicationState state, @Nullable Lsn target) {
		return switch (state) {
			case NEW -> "the container was not started (lode.auto-startup=false?); start it first";
			case STOPPED -> "the container was stopped";
			case PAUSED -> "streaming is paused (resume it: WalReplicationContainer.resume() or POST /actuator/lode/resume)";
			case FAILED -> "streaming stopped with an error: " + error(container);
			case STARTING -> "the container is still connecting";
			case STANDBY -> "another process streams from the slot; this one stands by until it is released";
			case RECONNECTING -> "the replication connection was lost; reconnecting (" + error(container) + ")";
			case STREAMING -> streaming(container, target);
		};
	}

	/** Asks the server how far it sent the slot's changes, to tell lode's listeners from the server. */
	private static String streaming(WalReplicationContainer container, @Nullable Lsn target) {
		ReplicationSettings settings = container.getSettings();
		Lsn sent = (settings != null) ? sentLsn(settings) : null;
		if (target == null || sent == null) {
			return "the server has not sent everything yet, or the listeners of a transaction have not all returned";
		}
		if (sent.compareTo(target) >= 0) {
			return "the server sent the slot's changes up to " + sent + ", but the listeners of a transaction"
					+ " before " + target + " have not all returned yet (slow, blocked or being retried)";
		}
		return "the server has sent the slot's changes only up to " + sent + " (" + target.bytesSince(sent)
				+ " bytes of WAL to go: it is still decoding, e.g. a large transaction)";
	}

	private static @Nullable Lsn sentLsn(ReplicationSettings settings) {
		try (Connection connection = new PgConnector(settings).openMonitor();
				PreparedStatement statement = connection.prepareStatement(SENT_LSN)) {
			statement.setString(1, settings.slotName());
			try (ResultSet rs = statement.executeQuery()) {
				return (rs.next() && rs.getString(1) != null) ? Lsn.parse(rs.getString(1)) : null;
			}
		}
		catch (SQLException | RuntimeException ex) {
			return null;
		}
	}

	private static String error(WalReplicationContainer container) {
		Throwable error = container.getLastError();
		return (error != null) ? Secrets.redact(error.getClass().getSimpleName() + ": " + error.getMessage())
				: "no error recorded";
	}

	private static String text(@Nullable Lsn lsn) {
		return (lsn != null) ? lsn.toString() : "none";
	}

}
