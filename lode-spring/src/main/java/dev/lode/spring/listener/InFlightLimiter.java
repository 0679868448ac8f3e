package dev.lode.spring.listener;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the changes dispatched but not completed, by count and by an estimate of their size in memory: the
 * replication thread waits for room (back-pressure; the replication loop keeps status updates flowing
 * meanwhile). One change is always admitted when none is in flight, however large.
 *
 * @since 0.2.0
 */
final class InFlightLimiter {

	private final int maxChanges;

	private final long maxBytes;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private int changes;

	private long bytes;

	/**
	 * @param maxChanges the most changes in flight
	 * @param maxBytes the most estimated bytes in flight, 0 for no limit
	 */
	InFlightLimiter(int maxChanges, long maxBytes) {
		this.maxChanges = Math.max(1, maxChanges);
		this.maxBytes = maxBytes;
	}

	/**
	 * Waits for room for a change.
	 * @param size its estimated size
	 * @throws InterruptedException when the replication thread is interrupted (an abandoned stop)
	 */
	void acquire(long size) throws InterruptedException {
		this.lock.lockInterruptibly();
		try {
			while (this.changes > 0 && (this.changes >= this.maxChanges
					|| (this.maxBytes > 0 && this.bytes + size > this.maxBytes))) {
				this.changed.await(100, TimeUnit.MILLISECONDS);
			}
			this.changes++;
			this.bytes += size;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A change completed (or was dropped).
	 * @param size the size it was admitted with
	 */
	void release(long size) {
		this.lock.lock();
		try {
			this.changes--;
			this.bytes -= size;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits until nothing is in flight (a barrier: TRUNCATE, a key change).
	 * @throws InterruptedException when interrupted
	 */
	void awaitIdle() throws InterruptedException {
		this.lock.lockInterruptibly();
		try {
			while (this.changes > 0) {
				this.changed.await(100, TimeUnit.MILLISECONDS);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** @return the changes in flight */
	int changes() {
		return this.changes;
	}

	/** @return their estimated bytes */
	long bytes() {
		return this.bytes;
	}

	/**
	 * A rough estimate of a change's heap size: values' texts and bytes plus per-entry overhead. Only
	 * proportions matter (it bounds memory by a budget), not exactness.
	 * @param change the change
	 * @return the estimate in bytes
	 */
	static long estimate(dev.lode.core.WalChange change) {
		return 200 + estimate(change.values()) + estimate(change.oldValues());
	}

	private static long estimate(java.util.Map<String, ?> row) {
		long size = 0;
		for (java.util.Map.Entry<String, ?> entry : row.entrySet()) {
			Object value = entry.getValue();
			size += 48;
			if (value instanceof CharSequence text) {
				size += 40 + text.length();
			}
			else if (value instanceof byte[] bytes) {
				size += 16 + bytes.length;
			}
			else if (value != null) {
				size += 24;
			}
		}
		return size;
	}

}
