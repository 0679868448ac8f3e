package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import java.time.Duration;

import dev.lode.core.WalChange;
import dev.lode.spring.boot.autoconfigure.metrics.LodeMetricsAutoConfiguration;
import dev.lode.test.WithPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * lode's meters after real changes flowed.
 */
@WithPostgres
class MetricsTests extends LodeTestApps {

	@Test
	void afterAFewChangesTheMetersCountThemAndTheLagReturnsToZero() {
		ConfigurableApplicationContext context = start(Metered.class);
		MeterRegistry registry = context.getBean(MeterRegistry.class);
		Metered listener = context.getBean(Metered.class);

		sql("insert into orders values (1, 'a', 1, 'new')");
		sql("insert into orders values (2, 'b', 1, 'new')");
		sql("update orders set status = 'paid' where id = 1");
		sql("insert into other values (1, 'x')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.size() == 4);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> registry.get("lode.transactions").counter().count() >= 4);
		assertThat(registry.get("lode.changes").tags("table", "orders", "kind", "insert").counter().count())
			.isEqualTo(2);
		assertThat(registry.get("lode.changes").tags("table", "orders", "kind", "update").counter().count())
			.isEqualTo(1);
		assertThat(registry.get("lode.changes").tags("table", "other", "kind", "insert").counter().count())
			.isEqualTo(1);
		assertThat(registry.get("lode.listener").tags("listener", "metered", "outcome", "success").timer().count())
			.isEqualTo(4);
		assertThat(registry.get("lode.commit.delay").timer().count()).isGreaterThanOrEqualTo(4);
		assertThat(registry.get("lode.reconnects").counter().count()).isZero();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> registry.get("lode.replication.lag").gauge().value() == 0);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(LodeMetricsAutoConfiguration.class)
	static class Metered {

		final Recorder received = new Recorder();

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@OnWalChange(id = "metered")
		void onChange(WalChange change) {
			this.received.add(change);
		}

	}

}
