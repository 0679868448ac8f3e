package dev.lode.spring.boot.autoconfigure.metrics;

import dev.lode.spring.container.LodeSnapshots;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics for lode when a {@link MeterRegistry} bean is available (with Actuator, or one of
 * the application's own): {@code lode.changes},
 * {@code lode.listener}, {@code lode.commit.delay} (through {@link LodeListenerMetrics}, a
 * {@link dev.lode.spring.listener.WalListenerObserver}) and {@code lode.transactions},
 * {@code lode.replication.lag}, {@code lode.reconnects} (through {@link LodeReplicationMetrics}, a
 * {@link dev.lode.core.replication.ReplicationObserver}), and the in-flight gauges of
 * {@link LodeDispatchMetrics}; every meter is tagged with its {@code source} ({@code default} for {@code lode.*},
 * the gauges of the further sources through {@link LodeSourcesMetrics}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LodeAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				// Boot 3 (names that are not there are ignored)
				"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, WalReplicationContainer.class })
public class LodeMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LodeListenerMetrics lodeListenerMetrics(MeterRegistry registry) {
		return new LodeListenerMetrics(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	LodeReplicationMetrics lodeReplicationMetrics(MeterRegistry registry) {
		return new LodeReplicationMetrics(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(LodeSnapshots.class)
	LodeSnapshotMetrics lodeSnapshotMetrics(LodeSnapshots snapshots) {
		return new LodeSnapshotMetrics(snapshots);
	}

	@Bean
	@ConditionalOnMissingBean
	LodeDispatchMetrics lodeDispatchMetrics(WalReplicationContainer container) {
		return new LodeDispatchMetrics(container);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(LodeSources.class)
	LodeSourcesMetrics lodeSourcesMetrics(LodeSources sources) {
		return new LodeSourcesMetrics(sources);
	}

}
