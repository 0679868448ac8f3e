package dev.lode.spring.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;


/**
 * N single-threaded lanes, each running its changes in the order they were handed over. A change's lane
 * follows from its {@link RowKey} (table and key, or its table alone), so all changes of one row run on one
 * lane, in commit order. Queues are unbounded here: the {@link InFlightLimiter} bounds what is handed over.
 *
 * @since 0.2.0
 */
final class Lanes {

	private final ThreadPoolExecutor[] executors;

	Lanes(int count) {
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
	 * @param row a change's row (its table and key, or its table alone)
	 * @return its lane: the same for every change of the row
	 */
	int laneOf(RowKey row) {
		int hash = row.hashCode();
		// spread, then a non-negative index
		hash ^= (hash >>> 16);
		return Math.floorMod(hash * 0x9E3779B1, this.executors.length);
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
