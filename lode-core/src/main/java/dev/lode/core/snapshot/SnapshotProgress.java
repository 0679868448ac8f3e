package dev.lode.core.snapshot;

/**
 * How far a running snapshot of one table got.
 *
 * @param snapshotId the snapshot
 * @param table the table, {@code schema.table}
 * @param rows the rows delivered so far (rows a change superseded are not counted)
 * @param estimatedRows the table's estimated size ({@code pg_class.reltuples}; {@code -1} when unknown)
 * @param rowsPerSecond the rate since this process started on it
 * @since 0.2.0
 */
public record SnapshotProgress(String snapshotId, String table, long rows, long estimatedRows,
		double rowsPerSecond) {

	/** @return the estimated rows still to read, 0 when unknown or passed */
	public long remainingRows() {
		return Math.max(0, this.estimatedRows - this.rows);
	}

}
