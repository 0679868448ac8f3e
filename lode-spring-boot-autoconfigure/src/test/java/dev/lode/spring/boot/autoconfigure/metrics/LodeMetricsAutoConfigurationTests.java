package dev.lode.spring.boot.autoconfigure.metrics;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.spring.listener.ListenerFailedException;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.listener.WalChangeDispatcher;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LodeMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LodeAutoConfiguration.class, LodeMetricsAutoConfiguration.class))
		.withPropertyValues("lode.url=jdbc:postgresql://127.0.0.1:1/never", "lode.auto-startup=false",
				"lode.listener.retry.max-attempts=1");

	@Test
	void withoutAMeterRegistryThereAreNoLodeMeters() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(LodeListenerMetrics.class)
			.doesNotHaveBean(LodeReplicationMetrics.class));
	}

	@Test
	void withoutMicrometerThereAreNoLodeMeters() {
		this.runner.withUserConfiguration(Registry.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LodeListenerMetrics.class));
	}

	@Test
	void withoutLodeThereAreNoLodeMeters() {
		this.runner.withUserConfiguration(Registry.class)
			.withPropertyValues("lode.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LodeListenerMetrics.class));
	}

	@Test
	void changesListenerCallsAndCommitDelaysAreRecordedPerTableKindAndListener() {
		this.runner.withUserConfiguration(Registry.class, Listeners.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			MockClock clock = context.getBean(MockClock.class);
			WalChangeDispatcher dispatcher = context.getBean(WalChangeDispatcher.class);
			OffsetDateTime committed = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
			clock.add(committed.toInstant().toEpochMilli() + 250 - clock.wallTime(), TimeUnit.MILLISECONDS);
			TransactionInfo tx = new TransactionInfo(5, Lsn.parse("0/100"), committed);

			dispatcher.begin(tx);
			dispatcher.change(change("orders", ChangeKind.INSERT, tx, 1));
			dispatcher.change(change("orders", ChangeKind.INSERT, tx, 2));
			dispatcher.change(change("orders", ChangeKind.UPDATE, tx, 1));
			assertThatExceptionOfType(ListenerFailedException.class)
				.isThrownBy(() -> dispatcher.change(change("other", ChangeKind.DELETE, tx, 9)));

			assertThat(registry.get("lode.changes").tags("schema", "public", "table", "orders", "kind", "insert")
				.counter()
				.count()).isEqualTo(2);
			assertThat(registry.get("lode.changes").tags("table", "orders", "kind", "update").counter().count())
				.isEqualTo(1);
			assertThat(registry.find("lode.changes").tags("table", "other").counter())
				.as("a failed change is not counted").isNull();
			assertThat(registry.get("lode.listener").tags("listener", "orders", "outcome", "success").timer().count())
				.isEqualTo(3);
			assertThat(registry.get("lode.listener").tags("listener", "picky", "outcome", "failure").timer().count())
				.isEqualTo(1);
			assertThat(registry.get("lode.commit.delay").timer().count()).isEqualTo(1);
			assertThat(registry.get("lode.commit.delay").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
		});
	}

	@Test
	void theReplicationObserverCountsTransactionsAndReconnectsAndMeasuresTheLag() {
		this.runner.withUserConfiguration(Registry.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			LodeReplicationMetrics metrics = context.getBean(LodeReplicationMetrics.class);
			assertThat(registry.get("lode.replication.lag").gauge().value()).isZero();

			metrics.streamingStarted("slot", Lsn.of(1000));
			metrics.received(Lsn.of(1500));
			assertThat(registry.get("lode.replication.lag").gauge().value()).isEqualTo(500);
			metrics.serverPosition(Lsn.of(4000));
			metrics.received(Lsn.of(1600)); // an older message never moves the server position back
			assertThat(registry.get("lode.replication.lag").gauge().value()).isEqualTo(3000);
			metrics.transactionCompleted(new TransactionInfo(1, Lsn.of(1500), null), 2);
			metrics.acknowledged(Lsn.of(4000));
			assertThat(registry.get("lode.replication.lag").gauge().value()).isZero();
			metrics.reconnecting(1, new IllegalStateException("lost"));

			assertThat(registry.get("lode.transactions").counter().count()).isEqualTo(1);
			assertThat(registry.get("lode.reconnects").counter().count()).isEqualTo(1);
		});
	}

	private static WalChange change(String table, ChangeKind kind, TransactionInfo tx, int id) {
		return new WalChange("public", table, kind, (kind == ChangeKind.DELETE) ? Map.of() : Map.of("id", id),
				Map.of("id", id), Map.of(), tx, Lsn.parse("0/F0"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		MockClock clock() {
			return new MockClock();
		}

		@Bean
		SimpleMeterRegistry registry(MockClock clock) {
			return new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@OnWalChange(table = "orders", id = "orders")
		void onOrder() {
		}

		@OnWalChange(table = "other", id = "picky")
		void onOther() {
			throw new IllegalStateException("no");
		}

	}

}
