package dev.lode.spring.boot.autoconfigure.relay;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The relay: a lode listener whose call returns the send's future, so lode acknowledges a transaction only after
 * the broker acknowledged every record of it (and of every transaction before it).
 *
 * <p>Order: lode calls the relay in commit order for each row (and with one lane, for everything), and the
 * relay hands each record to the producer before it returns, so one key's records enter the producer in commit
 * order; the idempotent producer keeps them in that order in their partition, retries included. A send that the
 * producer fails at once for a retriable reason (no metadata within {@code max.block.ms}: the broker is
 * unreachable; the producer's buffer is full) is repeated right here, before the relay returns, so nothing
 * after it overtakes it: lode waits meanwhile (health shows the changes in flight). With the relay's default
 * {@code delivery.timeout.ms} (unlimited) the producer itself never gives up on a record it holds. What fails
 * for good (a record larger than the broker accepts, authorisation) fails the listener: lode's error handler
 * redelivers it and then stops streaming; it never skips a relay failure ({@link RelayFailuresNeverSkipped}).
 *
 * @since 0.2.0
 */
public class KafkaChangeRelay implements DisposableBean {

	/** The listener id of the relay (in logs, errors, metrics). */
	public static final String LISTENER_ID = "lode.relay.kafka";

	private static final Logger logger = LoggerFactory.getLogger(KafkaChangeRelay.class);

	private static final long MAX_WAIT_MILLIS = 5_000;

	private final KafkaOperations<byte[], byte[]> kafka;

	private final RelayRecordMapper mapper;

	private final RelayedTables tables;

	private final RelayedTables outboxTables;

	private volatile boolean closed;

	/**
	 * @param kafka sends the records
	 * @param mapper makes them
	 * @param properties which tables to relay
	 */
	public KafkaChangeRelay(KafkaOperations<byte[], byte[]> kafka, RelayRecordMapper mapper,
			KafkaRelayProperties properties) {
		this.kafka = kafka;
		this.mapper = mapper;
		this.tables = RelayedTables.of(properties.getTables());
		this.outboxTables = RelayedTables.of(properties.getOutbox().getTables());
	}

	/**
	 * Relays a change of a configured table.
	 * @param change the change
	 * @return completes when the broker acknowledged the record; {@code null} when nothing is sent
	 * @throws InterruptedException while waiting to send again, when the application stops
	 */
	@OnWalChange(id = LISTENER_ID)
	public @Nullable CompletableFuture<?> relay(WalChange change) throws InterruptedException {
		if (!this.outboxTables.matches(change) && !this.tables.matches(change)) {
			return null;
		}
		ProducerRecord<byte[], byte[]> record = this.mapper.toRecord(change);
		if (record == null) {
			return null;
		}
		return send(record, change);
	}

	private CompletableFuture<?> send(ProducerRecord<byte[], byte[]> record, WalChange change)
			throws InterruptedException {
		long wait = 100;
		for (int attempt = 1;; attempt++) {
			CompletableFuture<?> sent;
			Throwable failure;
			try {
				sent = this.kafka.send(record);
				if (!sent.isCompletedExceptionally()) {
					return sent;
				}
				failure = failure(sent);
			}
			catch (RuntimeException ex) {
				sent = CompletableFuture.failedFuture(ex);
				failure = ex;
			}
			if (this.closed || !retriable(failure)) {
				return sent;
			}
			if (attempt == 1 || attempt % 10 == 0) {
				logger.warn("Kafka did not take the record of {} {} at {} for topic {} (attempt {}): {}; sending it"
						+ " again in {} ms (lode waits meanwhile)", change.kind(), change.qualifiedTable(), change.lsn(),
						record.topic(), attempt, failure.toString(), wait);
			}
			Thread.sleep(wait);
			wait = Math.min(wait * 2, MAX_WAIT_MILLIS);
		}
	}

	private static Throwable failure(CompletableFuture<?> sent) {
		try {
			sent.join();
			throw new IllegalStateException("not failed");
		}
		catch (CompletionException ex) {
			return (ex.getCause() != null) ? ex.getCause() : ex;
		}
	}

	/** @return whether the failure is one that sending again may cure (the broker unreachable, a full buffer) */
	static boolean retriable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RetriableException) {
				return true;
			}
		}
		return false;
	}

	/** @return the configuration of the relay's producer (for tests and diagnostics), empty if unknown */
	Map<String, Object> producerConfiguration() {
		if (this.kafka instanceof KafkaTemplate<?, ?> template) {
			return template.getProducerFactory().getConfigurationProperties();
		}
		return Map.of();
	}

	@Override
	public void destroy() throws Exception {
		this.closed = true;
		if (this.kafka instanceof DisposableBean template) {
			template.destroy(); // closes the producer of the relay's copy of the producer factory
		}
	}

}
