package dev.lode.kafka;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * @since 0.2.0 (in {@code dev.lode.kafka} since 0.4.0)
 */
public class KafkaChangeRelay implements DisposableBean {

	/** The listener id of the relay (in logs, errors, metrics). */
	public static final String LISTENER_ID = "lode.relay.kafka";

	private final ProducerFactory<byte[], byte[]> producers;

	private final RelayRecordMapper mapper;

	private final RelayedTables tables;

	private final RelayedTables outboxTables;

	private final RecordSender sender;

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
		this.producers = producers;
		this.mapper = mapper;
		this.tables = tables;
		this.outboxTables = outboxTables;
		this.sender = new RecordSender(producers::createProducer, "lode-relay-sender");
	}

	/**
	 * Relays a change of a configured table.
	 * @param change the change
	 * @return completes when the broker acknowledged the record; {@code null} when nothing is sent
	 */
	@OnWalChange(id = LISTENER_ID)
	public @Nullable CompletableFuture<?> relay(WalChange change) {
		if (!this.outboxTables.matches(change) && !this.tables.matches(change)) {
			return null;
		}
		ProducerRecord<byte[], byte[]> record = this.mapper.toRecord(change);
		if (record == null) {
			return null;
		}
		return this.sender.send(record, new Described(change));
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

	/** A change as log lines name it (kind, table, position; never values), made only when a line is written. */
	private record Described(WalChange change) {

		@Override
		public String toString() {
			return this.change.kind() + " " + this.change.qualifiedTable() + " at " + this.change.lsn();
		}

	}

}
