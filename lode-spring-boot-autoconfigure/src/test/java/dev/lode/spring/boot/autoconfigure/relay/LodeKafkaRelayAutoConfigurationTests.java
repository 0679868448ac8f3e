package dev.lode.spring.boot.autoconfigure.relay;

import java.util.List;
import java.util.Map;

import dev.lode.core.ChangeKind;
import dev.lode.core.WatchedTable;
import dev.lode.kafka.DefaultRelayRecordMapper;
import dev.lode.kafka.KafkaChangeRelay;
import dev.lode.kafka.RelayFailuresNeverSkipped;
import dev.lode.kafka.RelayProducerSettings;
import dev.lode.kafka.RelayedTables;
import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.spring.boot.autoconfigure.ListenerTables;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import dev.lode.spring.listener.DefaultWalChangeErrorHandler;
import dev.lode.spring.listener.WalChangeErrorHandler;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conditions of the relay's auto-configuration and the producer settings it gives the relay. No server and no
 * broker: nothing starts, nothing is sent.
 */
class LodeKafkaRelayAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LodeAutoConfiguration.class, LodeKafkaRelayAutoConfiguration.class,
				BootLine.KAFKA_AUTO_CONFIGURATION))
		.withPropertyValues("lode.auto-startup=false", "lode.url=jdbc:postgresql://db.example:5432/shop",
				"spring.kafka.bootstrap-servers=localhost:1");

	@Test
	void isOffUnlessEnabled() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(KafkaChangeRelay.class)
			.doesNotHaveBean(ListenerTables.class)
			.hasSingleBean(DefaultWalChangeErrorHandler.class));
	}

	@Test
	void relaysTheConfiguredTablesAndTheOutboxInsertsWithAnErrorHandlerThatNeverSkipsIt() {
		this.runner
			.withPropertyValues("lode.relay.kafka.enabled=true", "lode.relay.kafka.tables=orders,sales.customers",
					"lode.relay.kafka.outbox.tables=outbox", "lode.listener.failure-action=skip")
			.run((context) -> {
				assertThat(context).hasSingleBean(KafkaChangeRelay.class)
					.hasSingleBean(DefaultRelayRecordMapper.class)
					.hasSingleBean(RelayFailuresNeverSkipped.class);
				assertThat(context.getBean(WalChangeErrorHandler.class)).isInstanceOf(RelayFailuresNeverSkipped.class);
				ListenerTables tables = context.getBean(ListenerTables.class);
				assertThat(tables.listenerId()).isEqualTo(KafkaChangeRelay.LISTENER_ID);
				assertThat(tables.tables()).containsExactly(
						new WatchedTable(null, "orders", RelayedTables.allKinds()),
						new WatchedTable("sales", "customers", RelayedTables.allKinds()),
						new WatchedTable(null, "outbox", java.util.Set.of(ChangeKind.INSERT)));
			});
	}

	@Test
	void refusesToStartWithNothingToRelay() {
		this.runner.withPropertyValues("lode.relay.kafka.enabled=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("lode.relay.kafka.tables"));
	}

	@Test
	void needsSpringKafka() {
		this.runner.withPropertyValues("lode.relay.kafka.enabled=true", "lode.relay.kafka.tables=orders")
			.withClassLoader(new FilteredClassLoader(KafkaTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(KafkaChangeRelay.class));
	}

	@Test
	void producerDefaultsAreAcksAllIdempotentAndNoDeliveryTimeoutUnlessTheApplicationSetsThem() {
		Map<String, Object> defaults = RelayProducerSettings.overrides(Map.of(), Map.of());
		assertThat(defaults).containsEntry("acks", "all")
			.containsEntry("enable.idempotence", "true")
			.containsEntry("delivery.timeout.ms", String.valueOf(Integer.MAX_VALUE))
			.containsEntry("batch.size", "262144")
			.containsEntry("linger.ms", "10")
			.containsEntry("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class)
			.containsEntry("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
		// spring.kafka.producer.acks=1 is the application's choice: kept (not overridden)
		Map<String, Object> applications = RelayProducerSettings.overrides(Map.of("acks", "1"),
				Map.of("linger.ms", "20", "delivery.timeout.ms", "300000"));
		assertThat(applications).doesNotContainKey("acks")
			.containsEntry("linger.ms", "20")
			.containsEntry("delivery.timeout.ms", "300000");
	}

	@Test
	void theApplicationsProducerSettingsReachTheRelaysProducerFactory() {
		this.runner
			.withPropertyValues("lode.relay.kafka.enabled=true", "lode.relay.kafka.tables=orders",
					"spring.kafka.producer.acks=1", "lode.relay.kafka.producer[linger.ms]=20")
			.run((context) -> {
				KafkaChangeRelay relay = context.getBean(KafkaChangeRelay.class);
				Map<String, Object> configuration = relay.producerConfiguration();
				assertThat(configuration).containsEntry("acks", "1")
					.containsEntry("linger.ms", "20")
					.containsEntry("enable.idempotence", "true")
					.containsEntry("bootstrap.servers", List.of("localhost:1"));
			});
	}

	@Test
	void theRelayHasAHealthIndicatorOfItsOwn() {
		this.runner.withConfiguration(AutoConfigurations.of(
				dev.lode.spring.boot.autoconfigure.health.LodeHealthContributorAutoConfiguration.class,
				LodeKafkaRelayHealthAutoConfiguration.class))
			.withPropertyValues("lode.relay.kafka.enabled=true", "lode.relay.kafka.tables=orders")
			.run((context) -> assertThat(context).hasBean("lodeKafkaRelayHealthIndicator").hasBean("lodeHealthIndicator"));
	}

	@Test
	void exactlyOnceRefusesSnapshots() {
		this.runner
			.withPropertyValues("lode.relay.kafka.enabled=true", "lode.relay.kafka.tables=orders",
					"lode.relay.kafka.exactly-once=true", "lode.snapshot.mode=initial")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("does not relay snapshots"));
	}

	@Test
	void exactlyOnceRelaysWithTheSlotsTransactionalId() {
		this.runner
			.withPropertyValues("lode.relay.kafka.enabled=true", "lode.relay.kafka.tables=orders",
					"lode.relay.kafka.exactly-once=true")
			.run((context) -> assertThat(context.getBean(KafkaChangeRelay.class).isExactlyOnce()).isTrue());
	}

}
