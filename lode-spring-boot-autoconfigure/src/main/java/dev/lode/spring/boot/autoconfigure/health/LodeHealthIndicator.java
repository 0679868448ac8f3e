package dev.lode.spring.boot.autoconfigure.health;

import dev.lode.core.Lsn;
import dev.lode.core.replication.ReplicationSettings;
import dev.lode.core.replication.ReplicationSetupException;
import dev.lode.core.replication.SlotStatus;
import dev.lode.spring.ReplicationState;
import dev.lode.spring.WalReplicationContainer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health of lode's replication: UP while starting, streaming, reconnecting or standing by (the
 * {@code state} detail says which), DOWN after a failure (with the error, never a password) or when
 * the slot is lost, OUT_OF_SERVICE when not started ({@code lode.auto-startup=false}) or stopped. Details: state, slot, last received and acknowledged
 * LSN, the slot's retained WAL bytes and {@code wal_status}, age of the last change, reconnect count,
 * last error.
 *
 * @since 0.1.0
 */
public class LodeHealthIndicator extends AbstractHealthIndicator {

	private final WalReplicationContainer container;

	private final @Nullable String format;

	/**
	 * @param container the replication container
	 */
	public LodeHealthIndicator(WalReplicationContainer container) {
		this(container, null);
	}

	/**
	 * @param container the replication container
	 * @param format the plugin and format, shown as a detail (e.g. {@code wal2json v2})
	 */
	public LodeHealthIndicator(WalReplicationContainer container, @Nullable String format) {
		super("lode health check failed");
		this.container = container;
		this.format = format;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ReplicationState state = this.container.getState();
		switch (state) {
			// reconnecting and standing by are normal, passing states: the details say which
			case STARTING, STREAMING, STANDBY, RECONNECTING -> builder.up();
			// not started (lode.auto-startup=false) or stopped: not streaming
			case NEW, STOPPED -> builder.outOfService();
			case FAILED -> builder.down();
		}
		builder.withDetail("state", state.name()).withDetail("reconnects", this.container.getReconnectCount());
		ReplicationSettings settings = this.container.getSettings();
		if (settings != null) {
			builder.withDetail("slot", settings.slotName());
		}
		if (this.format != null) {
			builder.withDetail("format", this.format);
		}
		Lsn received = this.container.getLastReceivedLsn();
		if (received != null) {
			builder.withDetail("lastReceivedLsn", received.toString());
		}
		Lsn acknowledged = this.container.getLastAcknowledgedLsn();
		if (acknowledged != null) {
			builder.withDetail("lastAcknowledgedLsn", acknowledged.toString());
		}
		long lastChange = this.container.getLastTransactionMillis();
		if (lastChange > 0) {
			builder.withDetail("lastChangeAgeMillis", System.currentTimeMillis() - lastChange);
		}
		if (settings != null && state != ReplicationState.NEW) {
			slotDetails(builder, settings);
		}
		Throwable error = this.container.getLastError();
		if (error != null) {
			builder.withDetail("error", Secrets.redact(error.getClass().getName() + ": " + error.getMessage()));
			if (error instanceof ReplicationSetupException setup) {
				builder.withDetail("action", Secrets.redact(setup.action()));
			}
		}
	}

	private static void slotDetails(Health.Builder builder, ReplicationSettings settings) {
		try {
			SlotStatus slot = SlotStatus.read(settings);
			if (!slot.exists()) {
				builder.down().withDetail("slotExists", false);
				return;
			}
			builder.withDetail("retainedWalBytes", slot.retainedWalBytes());
			if (slot.walStatus() != null) {
				builder.withDetail("walStatus", slot.walStatus());
			}
			if (slot.isLost()) {
				builder.down();
			}
		}
		catch (Exception ex) {
			builder.withDetail("slotStatusError", Secrets.redact(String.valueOf(ex.getMessage())));
		}
	}

}
