package dev.lode.spring;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;

/**
 * A lode listener threw (or its arguments could not be bound, or its condition could not be
 * evaluated); the transaction was not acknowledged. The message names the listener and the position,
 * never row values.
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

	/**
	 * @param listenerId the failed transaction-level listener
	 * @param transaction the transaction it failed on
	 * @param cause what the listener threw
	 */
	public ListenerFailedException(String listenerId, TransactionInfo transaction, Throwable cause) {
		super("Listener '" + listenerId + "' failed on transaction " + transaction.xid() + " (commit "
				+ transaction.commitLsn() + "): " + cause, cause);
		this.listenerId = listenerId;
	}

	/** @return the id of the listener that failed */
	public String getListenerId() {
		return this.listenerId;
	}

}
