package dev.lode.core.replication;

/**
 * The {@link ChangeHandler} failed (a listener threw and the error handler gave up); the stream
 * stopped without acknowledging the transaction. Not retried by reconnecting.
 *
 * @since 0.1.0
 */
public class ChangeHandlingException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param cause what the handler threw
	 */
	public ChangeHandlingException(Throwable cause) {
		super(cause.getMessage(), cause);
	}

}
