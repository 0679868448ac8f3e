package dev.lode.spring.boot.autoconfigure.health;

import dev.lode.spring.container.WalReplicationContainer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The {@code lode} health indicator (Spring Boot 3.5): reports {@link LodeHealthReport}.
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
		LodeHealthReport report = LodeHealthReport.of(this.container, this.format);
		switch (report.status()) {
			case UP -> builder.up();
			case DOWN -> builder.down();
			case OUT_OF_SERVICE -> builder.outOfService();
		}
		builder.withDetails(report.details());
	}

}
