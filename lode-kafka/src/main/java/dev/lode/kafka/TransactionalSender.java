package dev.lode.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.lode.core.Lsn;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly once: writes whole PostgreSQL transactions and the position they reach in Kafka transactions. The records
 * of one or more complete PostgreSQL transactions, in commit order, and a record of the last one's commit LSN on the
 * relay's position topic (keyed by the slot) are committed together; a record is acknowledged to lode when its Kafka
 * transaction committed. Before it sends anything, the sender fences and aborts what an earlier process with the same
 * {@code transactional.id} left open and reads the position Kafka has: changes of transactions that committed at or
 * before it are acknowledged without being sent again, so a {@code read_committed} consumer sees each change once,
 * through crashes of the application and restarts of the broker.
 *
 * <p>Failures: a record Kafka refuses for good (too large, not authorised) fails it and every later one (lode
 * stops); anything else (the broker unreachable, a transaction the broker aborted, a fenced epoch) makes the sender
 * start over with a new producer: it aborts what it had sent in the open transaction, reads the position again and
 * sends the open transaction's records again, every 0.1-5 s, until Kafka takes them. lode waits meanwhile.
 *
 * <p>A transaction is complete when lode reports its commit ({@link #transactionEnded}); the changes of a transaction
 * therefore must all reach the relay before its commit does: one lane ({@code lode.listener.concurrency=1}).
 *
 * @since 0.4.0
 */
final class TransactionalSender extends SenderThread {

	private static final Logger logger = LoggerFactory.getLogger(TransactionalSender.class);

	/** A Kafka transaction is committed once it holds this many records (at the end of a PostgreSQL one). */
	private static final int MAX_RECORDS = 2_000;

	/** ... or is this old (at the end of a PostgreSQL one), or nothing more is queued. */
	private static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final Supplier<Producer<byte[], byte[]>> producers;

	private final RelayPositions positions;

	/** The records sent in the open Kafka transaction (sender thread only). */
	private final List<Outgoing> sent = new ArrayList<>();

	/** What Kafka has: transactions that committed at or before it are not sent again (sender thread only). */
	private @Nullable Lsn committed;

	/** The commit LSN of the last PostgreSQL transaction whose records are all in the open Kafka transaction. */
	private @Nullable Lsn ended;

	/** The commit LSN of the PostgreSQL transaction whose records are in the open Kafka transaction, not all yet. */
	private @Nullable Lsn open;

	private long began;

	private boolean inTransaction;

	/**
	 * @param producers makes a transactional producer (the same {@code transactional.id} every time)
	 * @param positions reads and writes the position
	 * @param name the sender thread's name
	 */
	TransactionalSender(Supplier<Producer<byte[], byte[]>> producers, RelayPositions positions, String name) {
		super(name);
		this.producers = producers;
		this.positions = positions;
		start();
	}

	@Override
	public void transactionEnded(Lsn commitLsn) {
		this.queue.add(new Ended(commitLsn));
	}

	@Override
	void run() {
		while (!this.closed) {
			try {
				Object item = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (item instanceof Outgoing outgoing) {
					add(outgoing);
				}
				else if (item instanceof Ended end) {
					end(end.commitLsn());
				}
				else if (this.inTransaction && this.open == null) {
					commit(); // nothing more came
				}
			}
			catch (InterruptedException ex) {
				break;
			}
			catch (RuntimeException ex) {
				logger.error("The Kafka relay's transactional sender failed", ex);
				this.fatal = ex;
				failSent(ex);
			}
		}
		failSent(new IllegalStateException("The Kafka relay closed before its transaction committed (lode delivers"
				+ " the changes again)"));
		failQueued();
	}

	private void add(Outgoing outgoing) throws InterruptedException {
		Throwable failed = this.fatal;
		if (failed != null) {
			failed(outgoing, failed);
			return;
		}
		ready();
		Lsn commitLsn = outgoing.change.commitLsn();
		Lsn have = this.committed;
		if (have != null && !commitLsn.isAfter(have)) {
			acknowledged(outgoing); // Kafka has its transaction: committed by an earlier process
			return;
		}
		if (!this.inTransaction) {
			begin();
		}
		this.open = commitLsn;
		this.sent.add(outgoing);
		sendInTransaction(outgoing.record);
	}

	private void end(Lsn commitLsn) throws InterruptedException {
		if (this.open != null && this.open.equals(commitLsn)) {
			this.ended = commitLsn;
			this.open = null;
		}
		// (a transaction with nothing to send: other tables, or Kafka had it)
		if (this.inTransaction && this.open == null && (this.queue.isEmpty() || this.sent.size() >= MAX_RECORDS
				|| System.nanoTime() - this.began >= MAX_AGE_NANOS)) {
			commit();
		}
	}

	/** Makes the producer, fences and aborts what an earlier one left open, reads the position Kafka has. */
	private void ready() throws InterruptedException {
		if (this.producer != null) {
			return;
		}
		long wait = FIRST_WAIT_MILLIS;
		for (int attempt = 1;; attempt++) {
			Producer<byte[], byte[]> created = null;
			try {
				created = this.producers.get();
				created.initTransactions();
				this.committed = this.positions.read();
				this.producer = created;
				this.waitingFor = null;
				logger.info("The Kafka relay sends exactly once; Kafka has the transactions up to {}",
						(this.committed != null) ? this.committed : "none");
				return;
			}
			catch (RuntimeException ex) {
				if (created != null) {
					created.close(Duration.ZERO);
				}
				if (this.closed || recordsFault(ex)) {
					throw ex;
				}
				this.waitingFor = ex.toString();
				if (attempt == 1 || attempt % 10 == 0) {
					logger.warn("The Kafka relay could not start its transactional producer (attempt {}): {}; trying"
							+ " again in {} ms", attempt, ex.toString(), wait);
				}
				wait = backOff(wait);
			}
		}
	}

	private void begin() {
		producer().beginTransaction();
		this.inTransaction = true;
		this.began = System.nanoTime();
	}

	private void sendInTransaction(ProducerRecord<byte[], byte[]> record) throws InterruptedException {
		try {
			producer().send(record);
		}
		catch (RuntimeException ex) {
			startOver(ex);
		}
	}

	/** Writes the position and commits; acknowledges the records; starts over when Kafka cannot take them now. */
	private void commit() throws InterruptedException {
		Lsn position = this.ended;
		if (!this.inTransaction || position == null) {
			return;
		}
		for (;;) {
			try {
				producer().send(this.positions.record(position));
				producer().commitTransaction();
				break;
			}
			catch (RuntimeException ex) {
				startOver(ex);
			}
		}
		this.inTransaction = false;
		this.committed = position;
		this.waitingFor = null;
		for (Outgoing outgoing : this.sent) {
			acknowledged(outgoing);
		}
		this.sent.clear();
		this.ended = null;
	}

	/**
	 * After a failure: a record's own fails for good; otherwise a new producer (which aborts the open transaction),
	 * the position read again, and the open transaction's records sent again.
	 */
	private void startOver(RuntimeException failure) throws InterruptedException {
		if (this.closed) {
			throw failure;
		}
		if (recordsFault(failure)) {
			logger.error("Kafka refused a record of the relay for good; the relay fails every record from here until it"
					+ " is created again (lode stops: fix the cause and restart)", failure);
			this.fatal = failure;
			throw failure;
		}
		this.waitingFor = failure.toString();
		logger.warn("The Kafka relay's transaction failed ({}); it starts over with a new producer and sends the {}"
				+ " records of the open transaction again", failure.toString(), this.sent.size());
		long wait = FIRST_WAIT_MILLIS;
		for (;;) {
			Producer<byte[], byte[]> current = this.producer;
			this.producer = null;
			this.inTransaction = false;
			if (current != null) {
				current.close(Duration.ZERO);
			}
			wait = backOff(wait);
			ready();
			try {
				begin();
				List<Outgoing> again = new ArrayList<>(this.sent);
				this.sent.clear();
				Lsn have = this.committed;
				for (Outgoing outgoing : again) {
					if (have != null && !outgoing.change.commitLsn().isAfter(have)) {
						acknowledged(outgoing);
					}
					else {
						this.sent.add(outgoing);
						producer().send(outgoing.record);
					}
				}
				if (this.sent.isEmpty() && this.open == null) {
					this.ended = null;
				}
				return;
			}
			catch (RuntimeException ex) {
				if (this.closed || recordsFault(ex)) {
					this.fatal = ex;
					throw ex;
				}
				this.waitingFor = ex.toString();
			}
		}
	}

	private Producer<byte[], byte[]> producer() {
		Producer<byte[], byte[]> current = this.producer;
		if (current == null) {
			throw new IllegalStateException("The Kafka relay's transactional producer is not ready");
		}
		return current;
	}

	private void failSent(Throwable failure) {
		for (Outgoing outgoing : this.sent) {
			failed(outgoing, failure);
		}
		this.sent.clear();
	}

	/** @return whether the failure is a record's own or the configuration's (sending again cannot cure it) */
	static boolean recordsFault(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
					|| cause instanceof AuthorizationException || cause instanceof InvalidTopicException
					|| cause instanceof SerializationException || cause instanceof UnsupportedVersionException) {
				return true;
			}
		}
		return false;
	}

	/** The commit of a PostgreSQL transaction arrived. */
	private record Ended(Lsn commitLsn) {
	}

}
