package dev.lode.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.lode.core.ChangeKind;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.replication.ReplicationObserver;
import dev.lode.spring.annotation.OnWalChange;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The relay: a lode listener whose call returns the record's future, so lode acknowledges a transaction only after
 * the broker acknowledged every record of it (and of every transaction before it).
 *
 * <p>The call never waits for the broker: it makes the record and queues it for the relay's sender thread
 * ({@link RecordSender}), which hands the records to the producer in the order they came. lode calls the relay in
 * commit order for each row (and with one lane, for everything), so one key's records enter the producer in commit
 * order, and the idempotent producer keeps them in that order in their partition, retries included. A record the
 * producer refuses for now (no metadata within {@code max.block.ms}: the broker is unreachable; a full buffer)
 * waits in the relay, with every record after it, and is handed over again; meanwhile lode goes on reading up to
 * {@code lode.listener.max-in-flight} changes, and {@link #status()} shows the stall. With the relay's default
 * {@code delivery.timeout.ms} (unlimited) the producer never gives up on a record it holds. What fails for good (a
 * record larger than the broker accepts, authorisation) fails the listener, and every later record; lode's error
 * handler redelivers and then stops streaming; it never skips a relay failure ({@link RelayFailuresNeverSkipped}).
 *
 * <p>{@linkplain #exactlyOnce Exactly once}, each PostgreSQL transaction's records and the position they reach go to
 * Kafka in one Kafka transaction ({@link TransactionalSender}); the relay learns that a transaction's changes are
 * all there from lode's commit ({@link ReplicationObserver#transactionCompleted}), so it must be registered as an
 * observer of the container (Spring Boot does that for every {@code ReplicationObserver} bean).
 *
 * @since 0.2.0 (in {@code dev.lode.kafka} since 0.4.0)
 */
public class KafkaChangeRelay implements ReplicationObserver, DisposableBean {

	/** The listener id of the relay (in logs, errors, metrics). */
	public static final String LISTENER_ID = "lode.relay.kafka";

	private final ProducerFactory<byte[], byte[]> producers;

	private final RelayRecordMapper mapper;

	private final RelayedTables tables;

	private final RelayedTables outboxTables;

	private final RelaySender sender;

	private final boolean exactlyOnce;

	/**
	 * @param producers the relay's producer factory (byte array serializers; the relay creates one producer of it
	 * when the first record comes, and destroys the factory when it is destroyed, if it is a {@link DisposableBean})
	 * @param mapper makes the records
	 * @param tables the tables whose changes to relay
	 * @param outboxTables the outbox tables (their INSERTs)
	 * @since 0.4.0
	 */
	public KafkaChangeRelay(ProducerFactory<byte[], byte[]> producers, RelayRecordMapper mapper, RelayedTables tables,
			RelayedTables outboxTables) {
		this(producers, mapper, tables, outboxTables, null);
	}

	private KafkaChangeRelay(ProducerFactory<byte[], byte[]> producers, RelayRecordMapper mapper, RelayedTables tables,
			RelayedTables outboxTables, @Nullable ExactlyOnce exactlyOnce) {
		this.producers = producers;
		this.mapper = mapper;
		this.tables = tables;
		this.outboxTables = outboxTables;
		this.exactlyOnce = exactlyOnce != null;
		this.sender = (exactlyOnce != null)
				? new TransactionalSender(() -> transactionalProducer(producers, exactlyOnce),
						new RelayPositions(exactlyOnce.positionTopic(), exactlyOnce.slot(),
								producers.getConfigurationProperties()),
						"lode-relay-sender")
				: new RecordSender(producers::createProducer, "lode-relay-sender");
	}

	/**
	 * A relay that sends exactly once: each PostgreSQL transaction's records and the position they reach in one Kafka
	 * transaction; at start, what Kafka already has is acknowledged without being sent again. Needs one lane
	 * ({@code lode.listener.concurrency=1}) and relays no snapshot rows.
	 * @param producers the relay's producer factory (its configuration makes the transactional producer)
	 * @param mapper makes the records
	 * @param tables the tables whose changes to relay
	 * @param outboxTables the outbox tables (their INSERTs)
	 * @param settings the {@code transactional.id} and the position topic
	 * @return the relay
	 * @since 0.4.0
	 */
	public static KafkaChangeRelay exactlyOnce(ProducerFactory<byte[], byte[]> producers, RelayRecordMapper mapper,
			RelayedTables tables, RelayedTables outboxTables, ExactlyOnce settings) {
		return new KafkaChangeRelay(producers, mapper, tables, outboxTables, settings);
	}

	private static Producer<byte[], byte[]> transactionalProducer(ProducerFactory<byte[], byte[]> producers,
			ExactlyOnce settings) {
		Map<String, Object> configuration = new HashMap<>(producers.getConfigurationProperties());
		configuration.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
		configuration.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		// a broker outage longer than the default minute would abort the open transaction (the relay starts over then)
		configuration.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 900_000);
		return new KafkaProducer<>(configuration, new ByteArraySerializer(), new ByteArraySerializer());
	}

	/**
	 * Relays a change of a configured table.
	 * @param change the change
	 * @return completes when the broker acknowledged the record; {@code null} when nothing is sent
	 */
	@OnWalChange(id = LISTENER_ID, pipelined = true)
	public @Nullable CompletableFuture<?> relay(WalChange change) {
		if (!this.outboxTables.matches(change) && !this.tables.matches(change)) {
			return null;
		}
		if (this.exactlyOnce && change.kind() == ChangeKind.SNAPSHOT) {
			throw new IllegalStateException("The exactly-once Kafka relay does not relay snapshot rows (of "
					+ change.qualifiedTable() + "): snapshot with lode.relay.kafka.exactly-once=false");
		}
		ProducerRecord<byte[], byte[]> record = this.mapper.toRecord(change);
		if (record == null) {
			return null;
		}
		return this.sender.send(record, change);
	}

	/** lode read a transaction's commit: with exactly once, its records may now be committed to Kafka. */
	@Override
	public void transactionCompleted(TransactionInfo transaction, int changes) {
		this.sender.transactionEnded(transaction.commitLsn());
	}

	/** lode started streaming (also after a reconnect): the transaction it was in comes again from its start. */
	@Override
	public void streamingStarted(String slot, dev.lode.core.Lsn confirmedLsn) {
		this.sender.streamStarted();
	}

	/** @return whether the relay sends exactly once */
	public boolean isExactlyOnce() {
		return this.exactlyOnce;
	}

	/**
	 * @return how the relay stands with its broker (records waiting, the oldest one's age, the last acknowledgement,
	 * the producer's connections)
	 */
	public KafkaRelayStatus status() {
		return this.sender.status();
	}

	/** @return the configuration of the relay's producer (for tests and diagnostics), empty if unknown */
	public Map<String, Object> producerConfiguration() {
		try {
			return this.producers.getConfigurationProperties();
		}
		catch (UnsupportedOperationException ex) {
			return Map.of();
		}
	}

	@Override
	public void destroy() throws Exception {
		this.sender.close();
		if (this.producers instanceof DisposableBean factory) {
			factory.destroy(); // the relay's copy of the application's producer factory
		}
	}

}
