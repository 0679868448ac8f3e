package dev.lode.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the relay's records to the producer on a thread of its own, in the order the relay received them, so that
 * the thread that calls the relay (lode's replication thread, or a lane) never waits for the producer: not for
 * broker metadata (up to {@code max.block.ms} when the broker is unreachable), not for room in its buffer. A record
 * the producer refuses for a retriable reason is handed over again, every 0.1-5 s, before any record after it, so
 * nothing overtakes it; a record that fails for good fails every later record too (until the relay is created
 * again), so no record of a key reaches the broker after an earlier one of that key that did not.
 *
 * <p>The records between the relay and the broker's acknowledgement are bounded by lode's
 * {@code max-in-flight}: each is a change in flight whose listener has not completed.
 *
 * @since 0.4.0
 */
final class RecordSender implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RecordSender.class);

	private static final long FIRST_WAIT_MILLIS = 100;

	private static final long MAX_WAIT_MILLIS = 5_000;

	private final Supplier<Producer<byte[], byte[]>> producers;

	private final LinkedBlockingQueue<Outgoing> queue = new LinkedBlockingQueue<>();

	/** Every record handed to the relay and not acknowledged yet, oldest first (done ones leave at the head). */
	private final ConcurrentLinkedQueue<Outgoing> unacknowledged = new ConcurrentLinkedQueue<>();

	private final AtomicInteger unacknowledgedCount = new AtomicInteger();

	private final Thread thread;

	private volatile @Nullable Producer<byte[], byte[]> producer;

	private volatile boolean closed;

	private volatile long lastAcknowledgedMillis;

	private volatile @Nullable String waitingFor;

	/** A record failed for good: every later one fails with it. */
	private volatile @Nullable Throwable fatal;

	/** The sender thread is inside {@code Producer.send}: a failure reported to a callback now is immediate. */
	private boolean inSend;

	private @Nullable Exception immediate;

	private @Nullable MetricName connectionCount;

	/**
	 * @param producers makes the producer, on the sender thread, when the first record comes
	 * @param name the sender thread's name
	 */
	RecordSender(Supplier<Producer<byte[], byte[]>> producers, String name) {
		this.producers = producers;
		this.thread = new Thread(this::run, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Queues a record; never blocks.
	 * @param record the record
	 * @param what describes it in log lines (never row values)
	 * @return completes when the broker acknowledged it, exceptionally when it failed for good
	 */
	CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Object what) {
		Throwable failed = this.fatal;
		if (failed != null) {
			return CompletableFuture.failedFuture(failed);
		}
		if (this.closed) {
			return CompletableFuture.failedFuture(new IllegalStateException("The Kafka relay is closed"));
		}
		Outgoing outgoing = new Outgoing(record, what, System.nanoTime());
		pruneAcknowledged();
		this.unacknowledgedCount.incrementAndGet();
		this.unacknowledged.add(outgoing);
		this.queue.add(outgoing);
		return outgoing.result;
	}

	private void run() {
		List<Outgoing> batch = new ArrayList<>();
		while (!this.closed) {
			try {
				Outgoing first = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.queue.drainTo(batch, 1023);
				for (Outgoing outgoing : batch) {
					hand(outgoing);
				}
			}
			catch (InterruptedException ex) {
				break;
			}
			catch (RuntimeException ex) {
				logger.error("The Kafka relay's sender failed", ex);
				this.fatal = ex;
			}
			finally {
				batch.clear();
			}
		}
		Throwable closedFailure = new IllegalStateException("The Kafka relay closed before the broker acknowledged"
				+ " the record (lode delivers it again)");
		Outgoing left;
		while ((left = this.queue.poll()) != null) {
			left.fail(closedFailure);
		}
	}

	/** Hands a record to the producer; waits and hands it over again while the producer refuses it for now. */
	private void hand(Outgoing outgoing) throws InterruptedException {
		long wait = FIRST_WAIT_MILLIS;
		for (int attempt = 1;; attempt++) {
			Throwable failed = this.fatal;
			if (failed != null) {
				outgoing.fail(failed);
				return;
			}
			Exception failure;
			this.inSend = true;
			this.immediate = null;
			try {
				producer().send(outgoing.record, outgoing);
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
						+ " {} ms, the records after it wait", outgoing.what, outgoing.record.topic(), attempt, failure,
						wait);
			}
			Thread.sleep(wait);
			wait = Math.min(wait * 2, MAX_WAIT_MILLIS);
		}
	}

	private void failedForGood(Outgoing outgoing, Throwable failure) {
		if (!this.closed && this.fatal == null) {
			logger.error("Kafka refused the record of {} for topic {} for good; the relay fails it and every record"
					+ " after it until it is created again (lode stops: fix the cause and restart)", outgoing.what,
					outgoing.record.topic(), failure);
			this.fatal = failure;
		}
		outgoing.fail(failure);
	}

	private Producer<byte[], byte[]> producer() {
		Producer<byte[], byte[]> current = this.producer;
		if (current == null) {
			current = this.producers.get();
			this.producer = current;
		}
		return current;
	}

	/** @return whether sending again may cure the failure (the broker unreachable, a full buffer) */
	static boolean retriable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RetriableException) {
				return true;
			}
		}
		return false;
	}

	private void pruneAcknowledged() {
		Outgoing head;
		while ((head = this.unacknowledged.peek()) != null && head.done) {
			this.unacknowledged.remove(head);
		}
	}

	/** @return the relay's state as of now */
	KafkaRelayStatus status() {
		pruneAcknowledged();
		long oldestAge = 0;
		for (Outgoing outgoing : this.unacknowledged) {
			if (!outgoing.done) {
				oldestAge = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outgoing.handedAt);
				break;
			}
		}
		long last = this.lastAcknowledgedMillis;
		return new KafkaRelayStatus(Math.max(0, this.unacknowledgedCount.get()), oldestAge,
				(last > 0) ? Instant.ofEpochMilli(last) : null, brokerConnections(), this.waitingFor);
	}

	private @Nullable Integer brokerConnections() {
		Producer<byte[], byte[]> current = this.producer;
		if (current == null) {
			return null;
		}
		try {
			Map<MetricName, ? extends Metric> metrics = current.metrics();
			MetricName name = this.connectionCount;
			if (name == null) {
				for (MetricName candidate : metrics.keySet()) {
					if (candidate.name().equals("connection-count") && candidate.group().equals("producer-metrics")) {
						name = candidate;
						this.connectionCount = candidate;
						break;
					}
				}
			}
			Metric metric = (name != null) ? metrics.get(name) : null;
			return (metric != null && metric.metricValue() instanceof Number count) ? count.intValue() : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.thread.interrupt();
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Producer<byte[], byte[]> current = this.producer;
		if (current != null) {
			current.close(Duration.ofSeconds(5));
		}
	}

	/** A record on its way; the producer's callback for it. */
	private final class Outgoing implements Callback {

		final ProducerRecord<byte[], byte[]> record;

		final Object what;

		final long handedAt;

		final CompletableFuture<RecordMetadata> result = new CompletableFuture<>();

		volatile boolean done;

		Outgoing(ProducerRecord<byte[], byte[]> record, Object what, long handedAt) {
			this.record = record;
			this.what = what;
			this.handedAt = handedAt;
		}

		@Override
		public void onCompletion(@Nullable RecordMetadata metadata, @Nullable Exception exception) {
			if (exception != null && RecordSender.this.inSend && Thread.currentThread() == RecordSender.this.thread) {
				RecordSender.this.immediate = exception; // refused at once: the sender decides what to do
				return;
			}
			if (exception != null) {
				failedForGood(this, exception);
				return;
			}
			RecordSender.this.lastAcknowledgedMillis = System.currentTimeMillis();
			finish();
			this.result.complete(metadata);
		}

		void fail(Throwable failure) {
			finish();
			this.result.completeExceptionally(failure);
		}

		private void finish() {
			if (!this.done) {
				this.done = true;
				RecordSender.this.unacknowledgedCount.decrementAndGet();
			}
		}

	}

}
