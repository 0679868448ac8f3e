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
	TRUNCATE

}
