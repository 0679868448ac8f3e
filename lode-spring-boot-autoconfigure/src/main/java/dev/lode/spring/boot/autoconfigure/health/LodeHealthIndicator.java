package dev.lode.spring.boot.autoconfigure.health;

import dev.lode.core.Lsn;
import dev.lode.spring.ReplicationState;
import dev.lode.spring.WalReplicationContainer;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health of lode's replication: UP while starting or streaming, DOWN after a failure (with the
 * error, never a password), OUT_OF_SERVICE when stopped.
 *
 * @since 0.1.0
 */
public class LodeHealthIndicator extends AbstractHealthIndicator {

	private final WalReplicationContainer container;

	/**
	 * @param container the replication container
	 */
	public LodeHealthIndicator(WalReplicationContainer container) {
		super("lode health check failed");
		this.container = container;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ReplicationState state = this.container.getState();
		switch (state) {
			case NEW, STARTING, STREAMING -> builder.up();
			case STOPPED -> builder.outOfService();
			case FAILED -> builder.down();
		}
		builder.withDetail("state", state.name()).withDetail("slot", this.container.getSettings().slotName());
		Lsn received = this.container.getLastReceivedLsn();
		if (received != null) {
			builder.withDetail("lastReceivedLsn", received.toString());
		}
		Lsn acknowledged = this.container.getLastAcknowledgedLsn();
		if (acknowledged != null) {
			builder.withDetail("lastAcknowledgedLsn", acknowledged.toString());
		}
		Throwable error = this.container.getLastError();
		if (error != null) {
			builder.withDetail("error", Secrets.redact(error.getClass().getName() + ": " + error.getMessage()));
		}
	}

}
