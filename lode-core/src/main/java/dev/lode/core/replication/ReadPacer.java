package dev.lode.core.replication;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Lets messages gather in the socket while the server streams them one by one faster than the replication
 * thread needs to be woken for each.
 *
 * <p>A consumer that keeps up with the walsender waits in the socket read, and every message the server
 * sends wakes it: a wake-up per change on the server's side (on a VM an inter-processor interrupt) and a
 * poll and a read on ours, for a message of a hundred bytes. When reads keep waiting and being woken in
 * quick succession ({@link #STREAK} wake-ups, each less than {@link #STREAM_GAP_NANOS} after the one
 * before), the stream is busy, and the pacer parks the thread for the pause
 * ({@link ReplicationSettings#busyReadPause()}, 0.2 ms by default) before each read that follows a
 * wake-up, so that the next read takes what arrived meanwhile in one go. A quiet stream (a transaction now
 * and then) is read at once, so its latency does not change; a busy one gains at most the pause (plus the
 * timer's slack) per wake-up. A pause of zero turns the pacer off. Measured (docs/benchmarks.md, fix 9):
 * pgoutput bulk inserts, warm, 137,107 → 171,223 changes/s, with less CPU on both sides.
 */
final class ReadPacer {

	/** A read that took longer than this waited for the server. */
	static final long WAITED_NANOS = TimeUnit.MICROSECONDS.toNanos(30);

	/** Wake-ups closer together than this belong to one busy stream. */
	static final long STREAM_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/** How many wake-ups in a row make a stream busy. */
	static final int STREAK = 8;

	private final LongSupplier clock;

	private final LongConsumer parker;

	private final long pauseNanos;

	private long readStart;

	private long lastWake;

	private int streak;

	private boolean park;

	/**
	 * @param pauseNanos how long to let messages gather, 0 to never pause
	 */
	ReadPacer(long pauseNanos) {
		this(pauseNanos, System::nanoTime, LockSupport::parkNanos);
	}

	ReadPacer(long pauseNanos, LongSupplier clock, LongConsumer parker) {
		this.pauseNanos = pauseNanos;
		this.clock = clock;
		this.parker = parker;
		this.lastWake = clock.getAsLong() - 2 * STREAM_GAP_NANOS;
	}

	/** Called before each read: parks if the last read waited for a busy stream. */
	void beforeRead() {
		if (this.park) {
			this.park = false;
			this.parker.accept(this.pauseNanos);
		}
		this.readStart = this.clock.getAsLong();
	}

	/**
	 * Called after a read that returned a message.
	 * @return the current {@link System#nanoTime()}
	 */
	long afterRead() {
		long now = this.clock.getAsLong();
		if (now - this.readStart > WAITED_NANOS) {
			this.streak = (now - this.lastWake < STREAM_GAP_NANOS) ? this.streak + 1 : 0;
			this.lastWake = now;
			this.park = this.streak >= STREAK && this.pauseNanos > 0;
		}
		return now;
	}

}
