package dev.lode.core.snapshot;

/**
 * A snapshot cannot be taken (a table without a primary key, a table that does not exist, a server or
 * plugin that cannot carry the watermarks); the message names the fix.
 *
 * @since 0.2.0
 */
public class SnapshotException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what is wrong and how to fix it
	 */
	public SnapshotException(String message) {
		super(message);
	}

	/**
	 * @param message what is wrong
	 * @param cause the cause
	 */
	public SnapshotException(String message, Throwable cause) {
		super(message, cause);
	}

}
