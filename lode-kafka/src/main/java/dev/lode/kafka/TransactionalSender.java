package dev.lode.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.lode.core.Lsn;
import org.apache.kafka.clients.producer.Producer;
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
 * Exactly once: writes the relay's records and the position they reach ({@link RelayPosition}: a transaction's
 * commit LSN and how many of its records) in Kafka transactions, a record of the position on the relay's position
 * topic (keyed by the slot) committed with the records it counts; a record is acknowledged to lode when its Kafka
 * transaction committed. A Kafka transaction holds whole PostgreSQL transactions, one or more in commit order, unless
 * one does not end while its records wait (larger than lode's {@code max-in-flight}, or slow to stream): then it
 * commits what it has of it, and the position says how much. Before it sends anything, the sender fences and aborts
 * what an earlier process with the same {@code transactional.id} left open and reads the position Kafka has: records
 * it covers are acknowledged without being sent again, so a {@code read_committed} consumer sees each change once,
 * through crashes of the application and restarts of the broker.
 *
 * <p>Failures: a record Kafka refuses for good (too large, not authorised) fails it and every later one (lode
 * stops); anything else (the broker unreachable, a transaction the broker aborted, a fenced epoch) makes the sender
 * start over with a new producer, which aborts the open transaction: it reads the position again and sends the open
 * transaction's records again, every 0.1-5 s, until Kafka takes them. lode waits meanwhile.
 *
 * <p>A record is numbered within its transaction in the order the relay receives it, so the changes of a
 * transaction must reach the relay in commit order: one lane ({@code lode.listener.concurrency=1}).
 *
 * @since 0.4.0
 */
final class TransactionalSender extends SenderThread {

	private static final Logger logger = LoggerFactory.getLogger(TransactionalSender.class);

	/** A Kafka transaction is committed once it holds this many records. */
	private static final int MAX_RECORDS = 500;

	/** ... or at the end of a PostgreSQL transaction once it is this old or nothing more is queued. */
	private static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private final Supplier<Producer<byte[], byte[]>> producers;

	private final RelayPositions positions;

	/** The records sent in the open Kafka transaction (sender thread only). */
	private final List<Numbered> sent = new ArrayList<>();

	/** What Kafka has: records it covers are not sent again (sender thread only). */
	private @Nullable RelayPosition committed;

	/** The transaction of the last record the relay received, and that record's number in it. */
	private @Nullable Lsn current;

	private long index;

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
	public void streamStarted() {
		this.queue.add(Restarted.INSTANCE);
	}

	@Override
	void run() {
		while (!this.closed) {
			try {
				Object item = this.queue.poll(20, TimeUnit.MILLISECONDS);
				if (item instanceof Outgoing outgoing) {
					add(outgoing);
				}
				else if (item instanceof Ended && this.inTransaction && (this.queue.isEmpty()
						|| System.nanoTime() - this.began >= MAX_AGE_NANOS)) {
					commit();
				}
				else if (item == Restarted.INSTANCE) {
					// lode streams again from what it acknowledged: the transaction it was in comes again from its
					// start; Kafka gets what it had of it now, and the position skips that part when it comes again
					commit();
					this.current = null;
				}
				else if (item == null && this.inTransaction) {
					commit(); // nothing more came: what was sent goes, whole transactions or not
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
		Lsn commitLsn = outgoing.change.commitLsn();
		if (commitLsn.equals(this.current)) {
			this.index++;
		}
		else {
			this.current = commitLsn;
			this.index = 1;
		}
		Numbered numbered = new Numbered(outgoing, commitLsn, this.index);
		Throwable failed = this.fatal;
		if (failed != null) {
			failed(outgoing, failed);
			return;
		}
		ready();
		RelayPosition have = this.committed;
		if (have != null && have.covers(commitLsn, numbered.index())) {
			acknowledged(outgoing); // Kafka has it: committed by an earlier process
			return;
		}
		if (!this.inTransaction) {
			begin();
		}
		this.sent.add(numbered);
		try {
			producer().send(outgoing.record);
		}
		catch (RuntimeException ex) {
			startOver(ex);
		}
		if (this.sent.size() >= MAX_RECORDS) {
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
				logger.info("The Kafka relay sends exactly once; Kafka has its records up to {}",
						(this.committed != null) ? this.committed.text() : "none");
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

	/** Writes the position and commits; acknowledges the records; starts over when Kafka cannot take them now. */
	private void commit() throws InterruptedException {
		while (this.inTransaction && !this.sent.isEmpty()) {
			Numbered last = this.sent.get(this.sent.size() - 1);
			RelayPosition position = new RelayPosition(last.commitLsn(), last.index());
			try {
				producer().send(this.positions.record(position));
				producer().commitTransaction();
			}
			catch (RuntimeException ex) {
				startOver(ex);
				continue;
			}
			this.inTransaction = false;
			this.committed = position;
			this.waitingFor = null;
			for (Numbered numbered : this.sent) {
				acknowledged(numbered.outgoing());
			}
			this.sent.clear();
		}
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
		List<Numbered> again = new ArrayList<>(this.sent);
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
				this.sent.clear();
				RelayPosition have = this.committed;
				for (Numbered numbered : again) {
					if (have != null && have.covers(numbered.commitLsn(), numbered.index())) {
						acknowledged(numbered.outgoing());
						continue;
					}
					if (!this.inTransaction) {
						begin();
					}
					this.sent.add(numbered);
					producer().send(numbered.outgoing().record);
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
		for (Numbered numbered : this.sent) {
			failed(numbered.outgoing(), failure);
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

	/** A record with its place: its transaction's commit LSN and its number in it. */
	private record Numbered(Outgoing outgoing, Lsn commitLsn, long index) {
	}

	/** The commit of a PostgreSQL transaction arrived. */
	private record Ended(Lsn commitLsn) {
	}

	/** lode (re)started streaming. */
	private enum Restarted {

		INSTANCE

	}

}
