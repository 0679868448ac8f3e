package dev.lode.core.replication;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps standby status updates flowing while the replication thread is busy in listeners, so that a
 * listener slower than the server's {@code wal_sender_timeout} does not lose the connection. The
 * updates report only what was already acknowledged.
 *
 * @since 0.1.0
 */
final class StatusKeeper implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(StatusKeeper.class);

	private final PGReplicationStream stream;

	private final Lock streamLock;

	private final BusyClock busy;

	private final long periodNanos;

	private volatile boolean stopped;

	private final Thread thread;

	private final Runnable whileBusy;

	StatusKeeper(PGReplicationStream stream, Lock streamLock, BusyClock busy, long periodMillis, String slot) {
		this(stream, streamLock, busy, periodMillis, slot, () -> {
		});
	}

	/**
	 * @param whileBusy run once a period while the replication thread is busy (after the status update): work that
	 * the replication thread would do if it were reading (the server's position for the lag)
	 */
	StatusKeeper(PGReplicationStream stream, Lock streamLock, BusyClock busy, long periodMillis, String slot,
			Runnable whileBusy) {
		this.whileBusy = whileBusy;
		this.stream = stream;
		this.streamLock = streamLock;
		this.busy = busy;
		this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
		this.thread = new Thread(this, "lode-status-" + slot);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	void stop() {
		this.stopped = true;
		this.thread.interrupt();
	}

	@Override
	public void run() {
		while (!this.stopped) {
			try {
				TimeUnit.NANOSECONDS.sleep(this.periodNanos);
				if (this.busy.busyFor() < this.periodNanos) {
					continue;
				}
				if (this.streamLock.tryLock(this.periodNanos, TimeUnit.NANOSECONDS)) {
					try {
						if (!this.stopped && !this.stream.isClosed()) {
							this.stream.forceUpdateStatus();
							logger.trace("Sent a status update while listeners run");
						}
					}
					finally {
						this.streamLock.unlock();
					}
				}
				if (!this.stopped) {
					this.whileBusy.run();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				if (!this.stopped) {
					logger.debug("Status update failed; the replication thread will see the broken connection", ex);
				}
			}
		}
	}

	/** Tells how long the replication thread has been busy outside the stream. */
	static final class BusyClock {

		private volatile long since;

		void enter() {
			this.since = System.nanoTime();
		}

		void exit() {
			this.since = 0;
		}

		long busyFor() {
			long s = this.since;
			return (s == 0) ? 0 : System.nanoTime() - s;
		}

	}

}
