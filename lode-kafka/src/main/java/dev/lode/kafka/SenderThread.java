package dev.lode.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lode.core.WalChange;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;

/**
 * What both senders share: a thread of their own that takes what the relay queued, in order; the records not
 * acknowledged yet (for the status: how many, the oldest one's age); the last acknowledgement; the producer's
 * connections; a failure for good that fails every later record.
 *
 * @since 0.4.0
 */
abstract class SenderThread implements RelaySender {

	static final long FIRST_WAIT_MILLIS = 100;

	static final long MAX_WAIT_MILLIS = 5_000;

	/** What the relay queued: records ({@link Outgoing}) and whatever else a sender needs in their order. */
	final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

	/** Every record handed to the relay and not acknowledged yet, oldest first (done ones leave at the head). */
	private final ConcurrentLinkedQueue<Outgoing> unacknowledged = new ConcurrentLinkedQueue<>();

	private final AtomicInteger unacknowledgedCount = new AtomicInteger();

	final Thread thread;

	volatile @Nullable Producer<byte[], byte[]> producer;

	volatile boolean closed;

	private volatile long lastAcknowledgedMillis;

	volatile @Nullable String waitingFor;

	/** A record failed for good: every later one fails with it. */
	volatile @Nullable Throwable fatal;

	private @Nullable MetricName connectionCount;

	SenderThread(String name) {
		this.thread = new Thread(this::run, name);
		this.thread.setDaemon(true);
	}

	/** Starts the thread (once the subclass is constructed). */
	final void start() {
		this.thread.start();
	}

	/** The thread's work until {@link #closed}. */
	abstract void run();

	@Override
	public CompletableFuture<?> send(ProducerRecord<byte[], byte[]> record, WalChange change) {
		Throwable failed = this.fatal;
		if (failed != null) {
			return CompletableFuture.failedFuture(failed);
		}
		if (this.closed) {
			return CompletableFuture.failedFuture(new IllegalStateException("The Kafka relay is closed"));
		}
		Outgoing outgoing = new Outgoing(record, change);
		pruneAcknowledged();
		this.unacknowledgedCount.incrementAndGet();
		this.unacknowledged.add(outgoing);
		this.queue.add(outgoing);
		return outgoing.result;
	}

	/** A record is acknowledged for good. */
	final void acknowledged(Outgoing outgoing) {
		this.lastAcknowledgedMillis = System.currentTimeMillis();
		finish(outgoing);
		outgoing.result.complete(null);
	}

	/** A record failed (for good, or the relay closes). */
	final void failed(Outgoing outgoing, Throwable failure) {
		finish(outgoing);
		outgoing.result.completeExceptionally(failure);
	}

	private void finish(Outgoing outgoing) {
		if (!outgoing.done) {
			outgoing.done = true;
			this.unacknowledgedCount.decrementAndGet();
		}
	}

	/** Fails what is still queued as the thread ends. */
	final void failQueued() {
		Throwable closedFailure = new IllegalStateException("The Kafka relay closed before Kafka had the record (lode"
				+ " delivers it again)");
		Object left;
		while ((left = this.queue.poll()) != null) {
			if (left instanceof Outgoing outgoing) {
				failed(outgoing, closedFailure);
			}
		}
	}

	/** Sleeps, and says how long to wait the next time. */
	static long backOff(long wait) throws InterruptedException {
		Thread.sleep(wait);
		return Math.min(wait * 2, MAX_WAIT_MILLIS);
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

	@Override
	public KafkaRelayStatus status() {
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

	/** A record on its way. */
	static final class Outgoing {

		final ProducerRecord<byte[], byte[]> record;

		final WalChange change;

		final long handedAt = System.nanoTime();

		final CompletableFuture<@Nullable Void> result = new CompletableFuture<>();

		volatile boolean done;

		Outgoing(ProducerRecord<byte[], byte[]> record, WalChange change) {
			this.record = record;
			this.change = change;
		}

		/** @return the change as log lines name it (kind, table, position; never values) */
		String describe() {
			return this.change.kind() + " " + this.change.qualifiedTable() + " at " + this.change.lsn();
		}

	}

}
