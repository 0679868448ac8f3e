package dev.lode.core.replication;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.decode.DecodeSink;
import dev.lode.core.decode.WalDecoder;
import org.jspecify.annotations.Nullable;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replication session: validates the slot, streams from its confirmed position, decodes, hands
 * each change to the {@link ChangeHandler} on the calling thread in commit order, and acknowledges a
 * transaction's commit end LSN only after the handler returned for all of it. What it confirms to the server never
 * passes lode's record of the stream ({@link ConfirmLimit}), so a replaced slot is recognised. Owns no thread pool:
 * {@link #run()} blocks the caller until {@link #stop(long)} or a failure.
 *
 * <p>The stream is read with {@code readPending()} polling (never the blocking {@code read()}, see
 * pgjdbc #4328), pgjdbc's automatic flush is off, and a {@link StatusKeeper} keeps status updates going
 * while listeners run.
 *
 * @since 0.1.0
 */
public final class ReplicationLoop {

	private static final Logger logger = LoggerFactory.getLogger(ReplicationLoop.class);

	private static final long FORCE_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private static final long BUSY_FORCE_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long WARNINGS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final ReplicationSettings settings;

	private final WalDecoder decoder;

	private final ChangeHandler handler;

	private final ReplicationObserver observer;

	private final ReentrantLock streamLock = new ReentrantLock();

	private final StatusKeeper.BusyClock busy = new StatusKeeper.BusyClock();

	private final ServerNotices notices = new ServerNotices();

	private volatile boolean running = true;

	private StreamOpener.@Nullable PendingInitial pendingInitial;

	private volatile boolean paused;

	private volatile long stopDeadline;

	private volatile @Nullable Connection connection;

	private volatile @Nullable PGReplicationStream stream;

	private volatile @Nullable SlotInfo slot;

	private long keeperPeriodMillis;

	private volatile boolean aborted;

	private @Nullable AckTracker acks;

	private boolean inTransaction;

	private volatile boolean forcePending;

	/** Transactions handed to the handler whose work has not completed (asynchronous or parallel handlers). */
	private final CompletionLedger ledger = new CompletionLedger();

	private long lastForce;

	private long lastActivity = System.nanoTime();

	private @Nullable Heartbeat heartbeat;

	/** Reads the server's position while the replication thread is busy (for the lag). */
	private volatile @Nullable ServerPositionProbe positionProbe;

	/** What may be confirmed to the server: no further than lode's record of the stream says. */
	private volatile @Nullable ConfirmLimit confirmLimit;

	/**
	 * @param settings connection and slot settings
	 * @param decoder the decoder for the slot's plugin format
	 * @param handler receives the changes
	 * @param observer receives health and metrics callbacks
	 */
	public ReplicationLoop(ReplicationSettings settings, WalDecoder decoder, ChangeHandler handler,
			ReplicationObserver observer) {
		this.settings = settings;
		this.decoder = decoder;
		this.handler = handler;
		this.observer = observer;
	}

	/**
	 * Connects and starts streaming: checks the driver, the server and the slot (creating it when
	 * allowed), opens the replication connection and sends {@code START_REPLICATION}. Setup problems
	 * surface here, synchronously, as {@link ReplicationSetupException}s.
	 * @param allowCreate whether a missing slot may be created (only before the first stream: a slot
	 * that disappears later was dropped, and recreating it would silently skip changes)
	 * @return the slot as it was when streaming started
	 * @throws Exception a setup or connection error; {@link SlotInUseException} when another process
	 * streams from the slot
	 */
	public SlotInfo open(boolean allowCreate) throws Exception {
		return open(allowCreate, null);
	}

	/**
	 * Like {@link #open(boolean)}, resuming after a position this process acknowledged before (on an
	 * earlier connection) when it is ahead of the slot's confirmed position: the status update that
	 * carried it may not have reached the server, and starting there keeps what this process already
	 * handled from being delivered again. Transactions that committed before it are skipped.
	 * @param allowCreate whether a missing slot may be created
	 * @param acknowledged what this process acknowledged last, or {@code null}
	 * @return the slot as it was when streaming started
	 * @throws Exception a setup or connection error
	 */
	public SlotInfo open(boolean allowCreate, @Nullable Lsn acknowledged) throws Exception {
		StreamOpener opener = new StreamOpener(this.settings, this.decoder);
		StreamOpener.Opened opened = opener.open(allowCreate, acknowledged, this.handler, this.observer);
		SlotInfo slot = opened.slot();
		if (opened.initial() != null) {
			// created with an exported snapshot: run() reads it on the replication thread, then streams
			this.pendingInitial = opened.initial();
			this.slot = slot;
			return slot;
		}
		this.stream = opened.stream();
		this.connection = opened.connection();
		this.slot = slot;
		this.keeperPeriodMillis = keeperPeriodMillis(opened.senderTimeoutMillis());
		Lsn start = opened.start();
		if (start.isAfter(slot.confirmedFlushLsn())) {
			logger.info("Resuming slot '{}' after {}, which this process acknowledged (the slot had confirmed {})",
					slot.name(), start, slot.confirmedFlushLsn());
		}
		this.acks = new AckTracker(start);
		this.confirmLimit = new ConfirmLimit(
				new StreamRecordStore(this.settings.guard().recordSchema(), this.settings.slotName()),
				opener.connector(), opened.server().walsenderPid(), this.settings.statusInterval(),
				opened.record().confirmLimit());
		this.positionProbe = new ServerPositionProbe(opener.connector(), this.observer);
		this.decoder.reset();
		if (!this.settings.heartbeatInterval().isZero()) {
			this.heartbeat = new Heartbeat(opener.connector(), this.settings.heartbeatInterval());
		}
		logger.info("Streaming from slot '{}' ({}) at {} with pgjdbc {}", slot.name(), this.decoder.plugin(), start,
				DriverVersion.current());
		this.observer.streamingStarted(slot.name(), start);
		return slot;
	}

	/**
	 * Streams until {@link #stop} is called (returns normally) or something fails (throws). Nothing is
	 * acknowledged that the handler did not complete. Calls {@link #open(boolean)} first if that was not
	 * done.
	 * @throws Exception the failure: the handler's exception, a decode or connection error
	 */
	public void run() throws Exception {
		StreamOpener.PendingInitial initial = this.pendingInitial;
		if (initial != null) {
			this.pendingInitial = null;
			logger.info("Reading the initial snapshot of slot '{}' at its consistent point {}", this.settings.slotName(),
					initial.consistentPoint());
			initial.read(() -> !this.running);
			if (!this.running) {
				return; // the next start continues the snapshot (recorded progress), then streams
			}
			open(false);
		}
		else if (this.stream == null) {
			open(true);
		}
		PGReplicationStream stream = this.stream;
		Connection replication = this.connection;
		SlotInfo slot = this.slot;
		if (stream == null || replication == null || slot == null) {
			return; // aborted while opening
		}
		ServerPositionProbe probe = this.positionProbe;
		StatusKeeper keeper = new StatusKeeper(stream, this.streamLock, this.busy, this.keeperPeriodMillis,
				slot.name(), (probe != null) ? probe::probe : () -> {
				});
		keeper.start();
		try {
			loop(stream, replication);
			ConfirmLimit limit = this.confirmLimit;
			if (limit != null) {
				limit.writeNow(acks().acknowledged());
			}
			sendStatus(stream);
		}
		catch (Exception ex) {
			if (this.aborted) {
				logger.info("Replication from slot '{}' was aborted while stopping", slot.name());
				return;
			}
			throw ex;
		}
		finally {
			keeper.stop();
			this.handler.discardPending();
			closeQuietly(stream);
			closeQuietly(replication);
			this.connection = null;
			Heartbeat beat = this.heartbeat;
			if (beat != null) {
				beat.close();
			}
			ConfirmLimit limit = this.confirmLimit;
			if (limit != null) {
				limit.close();
			}
			if (probe != null) {
				probe.close();
			}
		}
		logger.info("Stopped streaming from slot '{}' at {}", slot.name(), acks().acknowledged());
	}

	private void loop(PGReplicationStream stream, Connection replication) throws Exception {
		Sink sink = new Sink(stream);
		int idlePolls = 0;
		long lastWarnings = System.nanoTime();
		ReadPacer pacer = new ReadPacer(this.settings.busyReadPause().toNanos());
		boolean pausedBusy = false;
		while (this.running || System.nanoTime() - this.stopDeadline < 0) {
			checkCompleted();
			if (this.paused && this.running && !this.inTransaction) {
				// paused between transactions: read nothing (WAL waits on the server), the work in flight completes
				// and is acknowledged, the status keeper keeps the connection
				if (!pausedBusy) {
					this.busy.enter();
					pausedBusy = true;
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
				continue;
			}
			if (pausedBusy) {
				this.busy.exit();
				pausedBusy = false;
			}
			if (!this.running && !this.inTransaction) {
				// stopping: read no further transaction, wait for the work in flight (status updates go on)
				if (this.ledger.isEmpty()) {
					break;
				}
				if (this.busy.busyFor() == 0) {
					this.busy.enter();
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
				continue;
			}
			ByteBuffer message;
			Lsn lsn;
			pacer.beforeRead();
			this.streamLock.lock();
			try {
				message = stream.readPending();
				lsn = (message != null) ? Lsn.of(stream.getLastReceiveLSN().asLong()) : Lsn.INVALID;
			}
			catch (OutOfMemoryError ex) {
				throw messageTooLarge(ex);
			}
			finally {
				this.streamLock.unlock();
			}
			if (message == null) {
				onIdle(stream);
				if (System.nanoTime() - lastWarnings > WARNINGS_EVERY_NANOS) {
					this.notices.drain(replication);
					lastWarnings = System.nanoTime();
				}
				if (++idlePolls > 100) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
				}
				continue;
			}
			idlePolls = 0;
			this.lastActivity = pacer.afterRead();
			this.observer.received(lsn);
			this.busy.enter();
			try {
				this.decoder.decode(message, lsn, sink);
			}
			catch (OutOfMemoryError ex) {
				throw messageTooLarge(ex);
			}
			finally {
				this.busy.exit();
			}
			if (!this.inTransaction) {
				betweenTransactions();
				raiseConfirmLimit(stream);
			}
			if (this.forcePending && System.nanoTime() - this.lastForce > BUSY_FORCE_NANOS) {
				// while catching up, report acknowledgements every second, not only every status interval,
				// so that a crash redelivers less
				sendStatus(stream);
				this.lastForce = System.nanoTime();
				this.forcePending = false;
			}
		}
		this.busy.exit();
		if (this.inTransaction) {
			logger.info("Stopping inside a transaction; it was not acknowledged and will be delivered again");
		}
		else if (!this.ledger.isEmpty()) {
			logger.info("Stopping with {} transaction(s) whose listeners did not complete in time; they were not"
					+ " acknowledged and will be delivered again", this.ledger.size());
		}
		this.notices.drain(replication);
	}

	/**
	 * A message the heap cannot hold: with a format that sends a whole transaction as one message (wal2json
	 * format 1), a setup problem with a fix; otherwise the error as it is.
	 */
	private RuntimeException messageTooLarge(OutOfMemoryError error) {
		if (!this.decoder.sendsTransactionsWhole()) {
			throw error;
		}
		long maxMiB = Runtime.getRuntime().maxMemory() / (1024 * 1024);
		return new ReplicationSetupException("A transaction after " + acks().acknowledged()
				+ " does not fit in the Java heap (" + maxMiB + " MiB, " + error.getMessage() + "): wal2json format 1"
				+ " sends each transaction as one message, which lode must hold in memory whole",
				"Set lode.wal2json.format-version=2 or lode.plugin=pgoutput: both send one message per change, so"
						+ " transactions of any size stream in bounded memory (or give the JVM more heap with -Xmx)",
				error);
	}

	private void onIdle(PGReplicationStream stream) throws SQLException {
		if (!this.inTransaction) {
			betweenTransactions();
			Lsn serverPosition = Lsn.of(stream.getLastReceiveLSN().asLong());
			this.observer.serverPosition(serverPosition);
			synchronized (this.ledger) {
				// everything received was handled: the server's reported position (keepalive) is safe
				if (this.ledger.isEmpty() && acks().acknowledge(serverPosition)) {
					confirm(stream, serverPosition);
					this.observer.acknowledged(serverPosition);
				}
			}
			raiseConfirmLimit(stream);
		}
		long now = System.nanoTime();
		Heartbeat beat = this.heartbeat;
		if (beat != null && now - this.lastActivity > beat.intervalNanos()) {
			beat.emit();
			this.lastActivity = now;
		}
		if (this.forcePending && now - this.lastForce > FORCE_MIN_NANOS) {
			sendStatus(stream);
			this.lastForce = now;
			this.forcePending = false;
		}
	}

	/**
	 * Writes lode's record of the stream when due; once the stream passed a write, confirms what the raised limit
	 * allows.
	 */
	private void raiseConfirmLimit(PGReplicationStream stream) throws SQLException {
		ConfirmLimit limit = this.confirmLimit;
		if (limit == null) {
			return;
		}
		Lsn received = Lsn.of(stream.getLastReceiveLSN().asLong());
		this.busy.enter();
		boolean rose;
		try {
			rose = limit.update(acks().acknowledged(), received);
		}
		finally {
			this.busy.exit();
		}
		if (rose) {
			synchronized (this.ledger) {
				confirm(stream, acks().acknowledged());
			}
			this.forcePending = true;
		}
	}

	/** Sets the position the next status update confirms: the acknowledged one, up to the confirm limit. */
	private void confirm(PGReplicationStream stream, Lsn acknowledged) {
		ConfirmLimit limit = this.confirmLimit;
		Lsn confirmed = (limit != null) ? limit.confirmable(acknowledged) : acknowledged;
		LogSequenceNumber value = LogSequenceNumber.valueOf(confirmed.value());
		stream.setFlushedLSN(value);
		stream.setAppliedLSN(value);
	}

	/** Lets the handler work between transactions (snapshot chunks); the status keeper sees the thread busy. */
	private void betweenTransactions() {
		this.busy.enter();
		try {
			this.handler.betweenTransactions();
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new ChangeHandlingException(ex);
		}
		finally {
			this.busy.exit();
		}
	}

	private void sendStatus(PGReplicationStream stream) throws SQLException {
		AckTracker tracker = acks();
		Lsn acked = tracker.acknowledged();
		this.streamLock.lock();
		try {
			confirm(stream, acked);
			stream.forceUpdateStatus();
		}
		finally {
			this.streamLock.unlock();
		}
		tracker.markSent(acked);
	}

	/** Acknowledges a position; callers hold the ledger's lock, so positions are set in order. */
	private void acknowledge(PGReplicationStream stream, Lsn lsn) {
		if (acks().acknowledge(lsn)) {
			confirm(stream, lsn);
			this.forcePending = true;
			this.observer.acknowledged(lsn);
		}
	}

	/**
	 * Acknowledges the transactions whose work completed, in commit order (any thread: completing work calls
	 * it too, so the position advances while the replication thread waits for room).
	 */
	private void acknowledgeCompleted() {
		PGReplicationStream current = this.stream;
		if (current == null) {
			return;
		}
		synchronized (this.ledger) {
			Lsn end = this.ledger.pollCompleted();
			if (end != null) {
				acknowledge(current, end);
			}
		}
	}

	/** Acknowledges what completed; throws the failure of work that completed exceptionally. */
	private void checkCompleted() {
		if (this.ledger.isEmpty()) {
			return;
		}
		acknowledgeCompleted();
		Throwable failure = this.ledger.failure();
		if (failure != null) {
			throw (failure instanceof ChangeHandlingException handling) ? handling
					: new ChangeHandlingException(failure);
		}
	}

	/**
	 * Pauses or resumes reading: paused, the loop finishes the transaction it is reading, then reads nothing
	 * until resumed, while status updates keep the connection (WAL accumulates on the server).
	 * @param paused whether to pause
	 * @since 0.2.0
	 */
	public void setPaused(boolean paused) {
		this.paused = paused;
	}

	/** @return how many transactions were handed to the handler and did not complete yet */
	public int transactionsInFlight() {
		return this.ledger.size();
	}

	private AckTracker acks() {
		AckTracker tracker = this.acks;
		if (tracker == null) {
			throw new IllegalStateException("Not streaming");
		}
		return tracker;
	}

	private long keeperPeriodMillis(long senderTimeoutMillis) {
		long period = this.settings.statusInterval().toMillis();
		if (senderTimeoutMillis > 0) {
			period = Math.min(period, senderTimeoutMillis / 4);
		}
		return Math.max(period, 50);
	}

	private static void closeQuietly(PGReplicationStream stream) {
		try {
			if (!stream.isClosed()) {
				stream.close();
			}
		}
		catch (Exception ex) {
			logger.debug("Closing the replication stream failed", ex);
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			logger.debug("Closing the replication connection failed", ex);
		}
	}

	/**
	 * Asks the loop to stop: it finishes the transaction in flight (up to {@code timeoutNanos}), reports
	 * the acknowledged position and closes the connection; {@link #run()} then returns.
	 * @param timeoutNanos how long an open transaction may still take
	 */
	public void stop(long timeoutNanos) {
		this.stopDeadline = System.nanoTime() + timeoutNanos;
		this.running = false;
	}

	/**
	 * Stops at once: closes the connection under the loop. Whatever was not acknowledged is delivered
	 * again by the next session.
	 */
	public void abort() {
		this.stopDeadline = System.nanoTime();
		this.running = false;
		this.aborted = true;
		Connection c = this.connection;
		if (c != null) {
			closeQuietly(c);
		}
	}

	/**
	 * @return the furthest position lode may confirm to the slot now (its record of the stream vouches for it), or
	 * {@code null} before streaming started
	 * @since 0.3.0
	 */
	public @Nullable Lsn confirmLimit() {
		ConfirmLimit limit = this.confirmLimit;
		return (limit != null) ? limit.limit() : null;
	}

	/** @return the acknowledged position, or {@code null} before streaming started */
	public @Nullable Lsn acknowledgedLsn() {
		AckTracker tracker = this.acks;
		return (tracker != null) ? tracker.acknowledged() : null;
	}

	private final class Sink implements DecodeSink {

		private final PGReplicationStream stream;

		Sink(PGReplicationStream stream) {
			this.stream = stream;
		}

		private int changes;

		private @Nullable TransactionInfo transaction;

		@Override
		public void begin(TransactionInfo transaction) {
			ReplicationLoop.this.inTransaction = true;
			this.transaction = transaction;
			this.changes = 0;
			try {
				ReplicationLoop.this.handler.begin(transaction);
			}
			catch (Exception ex) {
				throw new ChangeHandlingException(ex);
			}
		}

		@Override
		public void change(WalChange change) {
			if (StreamRecordStore.TABLE.equals(change.table())) {
				return; // lode's own record of the stream (wal2json and publications of all tables carry it)
			}
			this.changes++;
			try {
				ReplicationLoop.this.handler.change(change);
			}
			catch (Exception ex) {
				throw new ChangeHandlingException(ex);
			}
		}

		@Override
		public void commit(TransactionInfo transaction, Lsn endLsn) {
			CompletableFuture<?> completion;
			try {
				completion = ReplicationLoop.this.handler.commitAsync(transaction).toCompletableFuture();
			}
			catch (Exception ex) {
				throw new ChangeHandlingException(ex);
			}
			ReplicationLoop.this.inTransaction = false;
			ReplicationLoop.this.observer.transactionCompleted(transaction, this.changes);
			CompletionLedger ledger = ReplicationLoop.this.ledger;
			CompletableFuture<?> pending = completion;
			synchronized (ledger) {
				if (completion.isDone() && !completion.isCompletedExceptionally() && ledger.isEmpty()) {
					acknowledge(this.stream, endLsn);
					return;
				}
				if (this.changes == 0 && !ledger.isEmpty()) {
					// an empty transaction (wal2json sends those of unwatched tables, lode's record among them) is
					// acknowledged with the one before it, not counted apart
					pending = ledger.addToLast(endLsn, completion);
				}
				else {
					ledger.add(endLsn, completion);
				}
			}
			pending.whenComplete((result, failure) -> acknowledgeCompleted());
		}

		@Override
		public void transactionalMessage(Lsn lsn, String prefix, String content) {
			TransactionInfo current = this.transaction;
			if (current == null || !ReplicationLoop.this.inTransaction) {
				return;
			}
			try {
				ReplicationLoop.this.handler.message(current, lsn, prefix, content);
			}
			catch (Exception ex) {
				throw new ChangeHandlingException(ex);
			}
		}

		@Override
		public void message(Lsn lsn, String prefix, String content) {
			if (!ReplicationLoop.this.inTransaction) {
				synchronized (ReplicationLoop.this.ledger) {
					if (ReplicationLoop.this.ledger.isEmpty()) {
						acknowledge(this.stream, lsn);
					}
				}
			}
		}

	}

}
