package dev.lode.core.replication;

/**
 * The database or the configuration does not allow lode to stream: the message names the problem,
 * {@link #action()} says how to fix it. Never contains a password.
 *
 * @since 0.1.0
 */
public class ReplicationSetupException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String action;

	private final boolean retryable;

	/**
	 * @param problem what is wrong
	 * @param action how to fix it
	 */
	public ReplicationSetupException(String problem, String action) {
		this(problem, action, null);
	}

	/**
	 * @param problem what is wrong
	 * @param action how to fix it
	 * @param cause the underlying error, if any
	 */
	public ReplicationSetupException(String problem, String action, Throwable cause) {
		this(problem, action, cause, false);
	}

	/**
	 * @param problem what is wrong
	 * @param action how to fix it
	 * @param cause the underlying error, if any
	 * @param retryable whether the problem may go away by itself (the server is unreachable): fatal at
	 * startup, retried once lode has streamed
	 */
	public ReplicationSetupException(String problem, String action, Throwable cause, boolean retryable) {
		super(problem, cause);
		this.action = action;
		this.retryable = retryable;
	}

	/** @return whether the problem may go away by itself, so that reconnecting makes sense */
	public boolean isRetryable() {
		return this.retryable;
	}

	/** @return how to fix the problem */
	public String action() {
		return this.action;
	}

}
