package dev.lode.core;

/**
 * The kind of a row change.
 *
 * @since 0.1.0
 */
public enum ChangeKind {

	/** A row was inserted. */
	INSERT,

	/** A row was updated. */
	UPDATE,

	/** A row was deleted. */
	DELETE,

	/** A table was truncated (no row values). */
	TRUNCATE,

	/**
	 * A row read from the table by a snapshot, not a change: {@link WalChange#values()} is the whole row, and
	 * {@link WalChange#snapshot()} says which snapshot read it. Listeners receive it like an INSERT (records and
	 * POJOs bind the same way); see the snapshot section of the README for when it arrives relative to the
	 * changes of the same row.
	 * @since 0.2.0
	 */
	SNAPSHOT

}
