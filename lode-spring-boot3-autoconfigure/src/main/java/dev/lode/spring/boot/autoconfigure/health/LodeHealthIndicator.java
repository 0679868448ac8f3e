package dev.lode.spring.boot.autoconfigure.health;

import dev.lode.spring.container.WalReplicationContainer;
import org.jspecify.annotations.Nullable;

/**
 * The {@code lode} health indicator (Spring Boot 3.5): reports {@link LodeHealthReport}.
 *
 * @since 0.1.0
 */
public class LodeHealthIndicator extends LodeReportHealthIndicator {

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
		super(() -> LodeHealthReport.of(container, format));
	}

}
