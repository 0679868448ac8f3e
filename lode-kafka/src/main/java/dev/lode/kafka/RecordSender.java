package dev.lode.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the relay's records to the producer on a thread of its own, in the order the relay received them, so that
 * the thread that calls the relay (lode's replication thread, or a lane) never waits for the producer: not for
 * broker metadata (up to {@code max.block.ms} when the broker is unreachable), not for room in its buffer. A record
 * the producer refuses for a retriable reason is handed over again, every 0.1-5 s, before any record after it, so
 * nothing overtakes it; a record that fails for good fails every later record too (until the relay is created
 * again), so no record of a key reaches the broker after an earlier one of that key that did not. A record is
 * acknowledged when the broker acknowledged it (at least once).
 *
 * <p>The records between the relay and the broker's acknowledgement are bounded by lode's
 * {@code max-in-flight}: each is a change in flight whose listener has not completed.
 *
 * @since 0.4.0
 */
final class RecordSender extends SenderThread {

	private static final Logger logger = LoggerFactory.getLogger(RecordSender.class);

	private final Supplier<Producer<byte[], byte[]>> producers;

	/** The sender thread is inside {@code Producer.send}: a failure reported to a callback now is immediate. */
	private boolean inSend;

	private @Nullable Exception immediate;

	/**
	 * @param producers makes the producer, on the sender thread, when the first record comes
	 * @param name the sender thread's name
	 */
	RecordSender(Supplier<Producer<byte[], byte[]>> producers, String name) {
		super(name);
		this.producers = producers;
		start();
	}

	@Override
	void run() {
		List<Object> batch = new ArrayList<>();
		while (!this.closed) {
			try {
				Object first = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.queue.drainTo(batch, 1023);
				for (Object outgoing : batch) {
					try {
						hand((Outgoing) outgoing);
					}
					catch (RuntimeException ex) {
						failedForGood((Outgoing) outgoing, ex); // the producer could not be made, or failed oddly
					}
				}
			}
			catch (InterruptedException ex) {
				break;
			}
			finally {
				batch.clear();
			}
		}
		failQueued();
	}

	/** Hands a record to the producer; waits and hands it over again while the producer refuses it for now. */
	private void hand(Outgoing outgoing) throws InterruptedException {
		long wait = FIRST_WAIT_MILLIS;
		Acknowledgement acknowledgement = new Acknowledgement(outgoing);
		for (int attempt = 1;; attempt++) {
			Throwable failed = this.fatal;
			if (failed != null) {
				failed(outgoing, failed);
				return;
			}
			Exception failure;
			this.inSend = true;
			this.immediate = null;
			try {
				producer().send(outgoing.record, acknowledgement);
				failure = this.immediate;
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
			finally {
				this.inSend = false;
			}
			if (failure == null) {
				this.waitingFor = null;
				return;
			}
			if (this.closed || !retriable(failure)) {
				failedForGood(outgoing, failure);
				return;
			}
			this.waitingFor = failure.toString();
			if (attempt == 1 || attempt % 10 == 0) {
				logger.warn("Kafka did not take the record of {} for topic {} (attempt {}): {}; handing it over again in"
						+ " {} ms, the records after it wait", outgoing.describe(), outgoing.record.topic(), attempt,
						failure, wait);
			}
			wait = backOff(wait);
		}
	}

	private void failedForGood(Outgoing outgoing, Throwable failure) {
		if (!this.closed && this.fatal == null) {
			logger.error("Kafka refused the record of {} for topic {} for good; the relay fails it and every record"
					+ " after it until it is created again (lode stops: fix the cause and restart)", outgoing.describe(),
					outgoing.record.topic(), failure);
			this.fatal = failure;
		}
		failed(outgoing, failure);
	}

	private Producer<byte[], byte[]> producer() {
		Producer<byte[], byte[]> current = this.producer;
		if (current == null) {
			current = this.producers.get();
			this.producer = current;
		}
		return current;
	}

	/** The producer's callback for a record. */
	private final class Acknowledgement implements Callback {

		private final Outgoing outgoing;

		Acknowledgement(Outgoing outgoing) {
			this.outgoing = outgoing;
		}

		@Override
		public void onCompletion(@Nullable RecordMetadata metadata, @Nullable Exception exception) {
			if (exception != null && RecordSender.this.inSend && Thread.currentThread() == RecordSender.this.thread) {
				RecordSender.this.immediate = exception; // refused at once: the sender decides what to do
			}
			else if (exception != null) {
				failedForGood(this.outgoing, exception);
			}
			else {
				acknowledged(this.outgoing);
			}
		}

	}

}
