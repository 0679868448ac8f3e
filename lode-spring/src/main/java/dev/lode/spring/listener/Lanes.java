package dev.lode.spring.listener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.lode.core.WalChange;

/**
 * N single-threaded lanes, each running its changes in the order they were handed over. A change's lane
 * follows from its table and key (or its table alone), so all changes of one row run on one lane, in commit
 * order. Queues are unbounded here: the {@link InFlightLimiter} bounds what is handed over.
 *
 * @since 0.2.0
 */
final class Lanes {

	private final ThreadPoolExecutor[] executors;

	private final ListenerOrdering ordering;

	Lanes(int count, ListenerOrdering ordering) {
		this.ordering = ordering;
		this.executors = new ThreadPoolExecutor[count];
		for (int i = 0; i < count; i++) {
			String name = "lode-lane-" + i;
			this.executors[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
					(runnable) -> {
						Thread thread = new Thread(runnable, name);
						thread.setDaemon(true);
						return thread;
					});
		}
	}

	/**
	 * @param change a change
	 * @return its lane
	 */
	int laneOf(WalChange change) {
		int hash = change.schema().hashCode() * 31 + change.table().hashCode();
		if (this.ordering == ListenerOrdering.ROW) {
			for (Object value : change.key()) {
				hash = hash * 31 + valueHash(value);
			}
		}
		// spread, then a non-negative index
		hash ^= (hash >>> 16);
		return Math.floorMod(hash * 0x9E3779B1, this.executors.length);
	}

	private static int valueHash(Object value) {
		if (value instanceof byte[] bytes) {
			return Arrays.hashCode(bytes);
		}
		if (value instanceof Number number && !(value instanceof java.math.BigDecimal)) {
			// the same key decoded as Integer or Long (types differ between formats) lands on one lane
			return Long.hashCode(number.longValue());
		}
		return Objects.hashCode(value);
	}

	void execute(int lane, Runnable task) {
		this.executors[lane].execute(task);
	}

	/** @return each lane's queued changes (not counting the one running) */
	int[] depths() {
		int[] depths = new int[this.executors.length];
		for (int i = 0; i < depths.length; i++) {
			depths[i] = this.executors[i].getQueue().size();
		}
		return depths;
	}

	/**
	 * Removes the tasks that have not started.
	 * @return them
	 */
	List<Runnable> drainQueued() {
		List<Runnable> drained = new ArrayList<>();
		for (ThreadPoolExecutor executor : this.executors) {
			executor.getQueue().drainTo(drained);
		}
		return drained;
	}

	int count() {
		return this.executors.length;
	}

	void shutdown() {
		for (ThreadPoolExecutor executor : this.executors) {
			executor.shutdownNow();
		}
	}


}
