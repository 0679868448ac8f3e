package dev.lode.spring;

import dev.lode.core.WalChange;

/**
 * An {@link OnWalChange} listener threw; the change's transaction was not acknowledged.
 *
 * @since 0.1.0
 */
public class ListenerFailedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String listenerId;

	/**
	 * @param listenerId the failed listener
	 * @param change the change it failed on (only its position is kept in the message)
	 * @param cause what the listener threw
	 */
	public ListenerFailedException(String listenerId, WalChange change, Throwable cause) {
		super("Listener '" + listenerId + "' failed on " + change.kind() + " " + change.qualifiedTable() + " at "
				+ change.lsn() + " (commit " + change.commitLsn() + "): " + cause, cause);
		this.listenerId = listenerId;
	}

	/** @return the id of the listener that failed */
	public String getListenerId() {
		return this.listenerId;
	}

}
