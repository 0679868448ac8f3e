package dev.lode.core;

import java.util.Objects;

/**
 * What a {@link ChangeKind#SNAPSHOT} row carries about the snapshot that read it.
 *
 * @param snapshotId the snapshot's id (the one {@code LodeSnapshots.snapshot(...)} returned, or the initial
 * snapshot's)
 * @param table the table read, {@code schema.table}
 * @param last whether this is the last row of the table that the snapshot delivers
 * @since 0.2.0
 */
public record SnapshotMarker(String snapshotId, String table, boolean last) {

	/**
	 * Checks the arguments.
	 */
	public SnapshotMarker {
		Objects.requireNonNull(snapshotId, "snapshotId");
		Objects.requireNonNull(table, "table");
	}

	/**
	 * @return whether the row comes from the snapshot lode reads after a gap in its stream
	 * ({@code lode.slot.on-loss=resync}): together with that snapshot's completion, a listener that keeps a copy
	 * can drop what the snapshot did not deliver again (deleted during the gap)
	 * @since 0.3.0
	 */
	public boolean isResync() {
		return this.snapshotId.startsWith("resync-");
	}

}
