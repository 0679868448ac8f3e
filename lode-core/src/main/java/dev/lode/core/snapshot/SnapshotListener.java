package dev.lode.core.snapshot;

/**
 * Hears about snapshots, on the replication thread; must return quickly.
 *
 * @since 0.2.0
 */
public interface SnapshotListener {

	/**
	 * A table's snapshot started (or resumed after a restart).
	 * @param progress where it starts
	 * @param resumed whether it continues a snapshot an earlier run began
	 */
	default void started(SnapshotProgress progress, boolean resumed) {
	}

	/**
	 * A chunk's rows were delivered and their listeners completed.
	 * @param progress the progress after it
	 * @param rows the rows of the chunk delivered
	 */
	default void chunkDelivered(SnapshotProgress progress, int rows) {
	}

	/**
	 * A table's snapshot completed: every row was delivered and its listeners completed.
	 * @param progress the final count
	 */
	default void completed(SnapshotProgress progress) {
	}

}
