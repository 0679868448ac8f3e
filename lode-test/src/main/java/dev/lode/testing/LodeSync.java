package dev.lode.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.lode.core.Lsn;
import dev.lode.core.replication.PgConnector;
import dev.lode.core.replication.ReplicationSettings;
import dev.lode.spring.boot.autoconfigure.health.Secrets;
import dev.lode.spring.container.LodeSource;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.WalSources;
import org.jspecify.annotations.Nullable;

/**
 * Waits until lode has processed everything committed so far: for tests that write to the database and
 * then assert what their listeners did, without polling.
 *
 * <pre class="code">
 * jdbc.update("insert into orders ...");
 * lodeSync.awaitProcessed(Duration.ofSeconds(10));
 * assertThat(listener.received()).hasSize(1);
 * </pre>
 *
 * <p>{@link #awaitProcessed(Duration)} reads the server's current WAL position, writes a
 * non-transactional logical message after it (prefix {@value #MESSAGE_PREFIX}, which lode acknowledges
 * once it reached it, so that an idle stream does not wait for a keepalive), and returns as soon as the
 * container acknowledged that position: every transaction committed before the call was then received
 * and all its listeners returned. It fails fast when lode stopped or failed, and otherwise after the
 * timeout, with the slot, the state, both positions and what is pending.
 *
 * <p>With several sources ({@code lode.sources.<name>}), {@link #awaitProcessed(Duration)} waits for each of them
 * and {@link #awaitProcessed(String, Duration)} for one.
 *
 * <p>Only for tests and tools: it writes to the WAL on every call.
 *
 * @since 0.1.0
 */
public class LodeSync {

	/** The prefix of the logical message written to mark the position to wait for. */
	public static final String MESSAGE_PREFIX = "lode_sync";

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private final WalReplicationContainer container;

	private final @Nullable LodeSources sources;

	/**
	 * @param container the container whose progress to wait for
	 */
	public LodeSync(WalReplicationContainer container) {
		this.container = container;
		this.sources = null;
	}

	/**
	 * @param sources lode's sources, each of whose progress to wait for ({@code lode.sources.<name>})
	 * @since 0.4.0
	 */
	public LodeSync(LodeSources sources) {
		this.container = sources.get(WalSources.DEFAULT).container();
		this.sources = sources;
	}

	/**
	 * Waits until every transaction committed before this call has been processed by lode's listeners
	 * and acknowledged, in every source (one after the other, within the one timeout).
	 * @param timeout how long to wait at most
	 * @return the position that was reached in the default source (the server's WAL position at the call)
	 * @throws LodeSyncException when lode did not get there within the timeout, or cannot (stopped,
	 * failed, not started); with several sources, for the first source that did not
	 */
	public Lsn awaitProcessed(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Lsn reached = awaitProcessed(this.container, deadline, timeout);
		LodeSources all = this.sources;
		if (all != null) {
			for (LodeSource source : all.all()) {
				if (source.container() != this.container) {
					awaitProcessed(source.container(), deadline, timeout);
				}
			}
		}
		return reached;
	}

	/**
	 * Waits until every transaction committed before this call in one source's database has been processed by
	 * that source's listeners and acknowledged.
	 * @param source the source's name ({@code default} for {@code lode.*})
	 * @param timeout how long to wait at most
	 * @return the position that was reached (the server's WAL position at the call)
	 * @throws LodeSyncException when lode did not get there within the timeout, or cannot (stopped, failed, not
	 * started)
	 * @throws IllegalArgumentException for an unknown source
	 * @since 0.4.0
	 */
	public Lsn awaitProcessed(String source, Duration timeout) {
		LodeSources all = this.sources;
		WalReplicationContainer target = (all != null) ? all.get(source).container()
				: (WalSources.DEFAULT.equals(source)) ? this.container : null;
		if (target == null) {
			throw new IllegalArgumentException("Unknown lode source '" + source + "': the sources are [default]");
		}
		return awaitProcessed(target, System.nanoTime() + timeout.toNanos(), timeout);
	}

	private static Lsn awaitProcessed(WalReplicationContainer container, long deadline, Duration timeout) {
		ReplicationSettings settings = container.getSettings();
		if (settings == null || !streams(container.getState())) {
			throw LodeSyncException.notProcessed(container, null, timeout);
		}
		Lsn target = mark(settings);
		while (true) {
			Lsn acknowledged = container.getLastAcknowledgedLsn();
			if (acknowledged != null && acknowledged.compareTo(target) >= 0) {
				return target;
			}
			ReplicationState state = container.getState();
			if (!streams(state) || System.nanoTime() - deadline >= 0) {
				throw LodeSyncException.notProcessed(container, target, timeout);
			}
			LockSupport.parkNanos(POLL_NANOS);
		}
	}

	/** @return whether the container streams, or is on its way to (it may still get there in time) */
	private static boolean streams(ReplicationState state) {
		return switch (state) {
			case STARTING, STREAMING, RECONNECTING, STANDBY -> true;
			case NEW, PAUSED, STOPPED, FAILED -> false;
		};
	}

	/**
	 * @return the server's current WAL position, with a logical message written after it
	 */
	private static Lsn mark(ReplicationSettings settings) {
		try (Connection connection = new PgConnector(settings).openPlain();
				Statement statement = connection.createStatement()) {
			Lsn target;
			try (ResultSet rs = statement.executeQuery("select pg_current_wal_lsn()::text")) {
				rs.next();
				target = Lsn.parse(rs.getString(1));
			}
			statement.execute("select pg_logical_emit_message(false, '" + MESSAGE_PREFIX + "', '')");
			return target;
		}
		catch (SQLException ex) {
			throw new LodeSyncException("Could not read the current WAL position from the server of slot '"
					+ settings.slotName() + "': " + Secrets.redact(String.valueOf(ex.getMessage())), ex);
		}
	}

}
