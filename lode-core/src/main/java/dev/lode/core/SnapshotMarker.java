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

}
