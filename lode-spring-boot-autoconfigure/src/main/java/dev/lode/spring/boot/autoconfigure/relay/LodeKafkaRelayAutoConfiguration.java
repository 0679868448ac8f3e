package dev.lode.spring.boot.autoconfigure.relay;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import dev.lode.core.ChangeKind;
import dev.lode.core.WatchedTable;
import dev.lode.spring.boot.autoconfigure.ListenerTables;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.LodeErrorHandlers;
import dev.lode.spring.boot.autoconfigure.LodeProperties;
import dev.lode.kafka.DefaultRelayRecordMapper;
import dev.lode.kafka.ExactlyOnce;
import dev.lode.kafka.KafkaChangeRelay;
import dev.lode.kafka.OutboxFormat;
import dev.lode.kafka.RelayFailuresNeverSkipped;
import dev.lode.kafka.RelayProducerSettings;
import dev.lode.kafka.RelayRecordMapper;
import dev.lode.kafka.RelayedTables;
import dev.lode.spring.listener.WalChangeErrorHandler;
import org.postgresql.replication.PGReplicationStream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Auto-configuration of the Kafka relay ({@code lode.relay.kafka.enabled=true}, spring-kafka and {@code lode-kafka}
 * on the class path):
 * the {@link KafkaChangeRelay} listener over a copy of the application's producer factory (Spring Boot's from
 * {@code spring.kafka.*}, or the one of the application's {@code KafkaTemplate}), its {@link RelayRecordMapper},
 * the tables lode streams for it, and an error handler that never skips a relay failure.
 *
 * @since 0.2.0
 */
// the Kafka auto-configuration of Boot 4 and of Boot 3 (a name that is not there is ignored); before lode's, whose
// error handler this one replaces
@AutoConfiguration(before = LodeAutoConfiguration.class,
		afterName = { "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
				"org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration" })
@ConditionalOnClass({ KafkaTemplate.class, KafkaChangeRelay.class, PGReplicationStream.class })
@ConditionalOnProperty(name = "lode.enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnBooleanProperty("lode.relay.kafka.enabled")
@EnableConfigurationProperties({ KafkaRelayProperties.class, LodeProperties.class })
public class LodeKafkaRelayAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RelayRecordMapper lodeRelayRecordMapper(KafkaRelayProperties relay, LodeProperties lode) {
		KafkaRelayProperties.Outbox outbox = relay.getOutbox();
		return new DefaultRelayRecordMapper(relay.getTopicPrefix(), relay.getTopics(), lode.getSlot().getName(),
				RelayedTables.of(outbox.getTables()), new OutboxFormat(outbox.getTopicPrefix(),
						outbox.getAggregateTypeColumn(), outbox.getAggregateIdColumn(), outbox.getTypeColumn(),
						outbox.getPayloadColumn()));
	}

	@Bean
	@ConditionalOnMissingBean
	@SuppressWarnings("unchecked")
	KafkaChangeRelay lodeKafkaRelay(ObjectProvider<KafkaTemplate<?, ?>> templates,
			ObjectProvider<ProducerFactory<?, ?>> producerFactories, RelayRecordMapper mapper,
			KafkaRelayProperties relay, LodeProperties lode) {
		KafkaTemplate<?, ?> application = templates.getIfUnique();
		ProducerFactory<?, ?> factory = (application != null) ? application.getProducerFactory()
				: producerFactories.getIfUnique();
		if (factory == null) {
			throw new IllegalStateException("lode.relay.kafka.enabled is true, but the application has no (single)"
					+ " KafkaTemplate or ProducerFactory to relay with: add Spring Boot's Kafka support"
					+ " (spring-boot-starter-kafka on Boot 4, spring-kafka on Boot 3) and spring.kafka.bootstrap-servers");
		}
		Map<String, Object> overrides = RelayProducerSettings.overrides(configuration(factory), relay.getProducer());
		ProducerFactory<byte[], byte[]> copy = ((ProducerFactory<byte[], byte[]>) factory)
			.copyWithConfigurationOverride(overrides);
		RelayedTables tables = RelayedTables.of(relay.getTables());
		RelayedTables outbox = RelayedTables.of(relay.getOutbox().getTables());
		if (!relay.isExactlyOnce()) {
			return new KafkaChangeRelay(copy, mapper, tables, outbox);
		}
		checkExactlyOnce(lode);
		String slot = lode.getSlot().getName();
		ExactlyOnce defaults = ExactlyOnce.defaults(slot);
		String transactionalId = (relay.getTransactionalId() != null) ? relay.getTransactionalId()
				: defaults.transactionalId();
		return KafkaChangeRelay.exactlyOnce(copy, mapper, tables, outbox,
				new ExactlyOnce(transactionalId, relay.getPositionTopic(), slot));
	}

	/** The exactly-once relay learns a transaction is complete from its commit: its changes must come before. */
	private static void checkExactlyOnce(LodeProperties lode) {
		if (lode.getListener().getConcurrency() > 1) {
			throw new IllegalStateException("lode.relay.kafka.exactly-once=true needs lode.listener.concurrency=1 (it is "
					+ lode.getListener().getConcurrency() + "): the relay writes each transaction's records in one"
					+ " Kafka transaction once the transaction's commit arrived, after all its changes");
		}
		if (lode.getSnapshot().getMode() != LodeProperties.Snapshot.Mode.NEVER
				|| !lode.getSnapshot().getTables().isEmpty()) {
			throw new IllegalStateException("lode.relay.kafka.exactly-once=true does not relay snapshots: remove"
					+ " lode.snapshot.mode and lode.snapshot.tables, or relay at least once");
		}
	}

	@Bean
	ListenerTables lodeKafkaRelayTables(KafkaRelayProperties relay) {
		RelayedTables tables = RelayedTables.of(relay.getTables());
		RelayedTables outbox = RelayedTables.of(relay.getOutbox().getTables());
		if (tables.isEmpty() && outbox.isEmpty()) {
			throw new IllegalStateException("lode.relay.kafka.enabled is true, but no table is to be relayed: set"
					+ " lode.relay.kafka.tables (table, schema.table, or * for every table) and/or"
					+ " lode.relay.kafka.outbox.tables");
		}
		List<WatchedTable> watched = new ArrayList<>(tables.watched(RelayedTables.allKinds()));
		watched.addAll(outbox.watched(EnumSet.of(ChangeKind.INSERT)));
		return new ListenerTables(KafkaChangeRelay.LISTENER_ID, watched);
	}

	@Bean
	@ConditionalOnMissingBean
	WalChangeErrorHandler lodeErrorHandler(LodeProperties properties) {
		return new RelayFailuresNeverSkipped(LodeErrorHandlers.fromProperties(properties));
	}

	private static Map<String, Object> configuration(ProducerFactory<?, ?> factory) {
		try {
			return factory.getConfigurationProperties();
		}
		catch (UnsupportedOperationException ex) {
			return Map.of();
		}
	}

}
