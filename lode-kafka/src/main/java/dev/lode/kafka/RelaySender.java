package dev.lode.kafka;

import java.util.concurrent.CompletableFuture;

import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What hands the relay's records to Kafka, off the thread that calls the relay: at least once
 * ({@link RecordSender}) or exactly once ({@link TransactionalSender}).
 *
 * @since 0.4.0
 */
interface RelaySender extends AutoCloseable {

	/**
	 * Queues a record; never blocks.
	 * @param record the record
	 * @param change the change it was made of
	 * @return completes when Kafka has the record for good, exceptionally when it failed for good
	 */
	CompletableFuture<?> send(ProducerRecord<byte[], byte[]> record, WalChange change);

	/**
	 * Every change of a transaction was handed to the relay (its commit arrived).
	 * @param commitLsn the transaction's commit LSN
	 */
	default void transactionEnded(Lsn commitLsn) {
	}

	/** lode started streaming (also after a reconnect): what comes next starts at a transaction's beginning. */
	default void streamStarted() {
	}

	/** @return the sender's state as of now */
	KafkaRelayStatus status();

	@Override
	void close();

}
