package dev.lode.spring.listener;

import java.util.List;

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

	private final List<String> listenerIds;

	/**
	 * @param listenerId the failed listener
	 * @param change the change it failed on (only its position is kept in the message)
	 * @param cause what the listener threw
	 */
	public ListenerFailedException(String listenerId, WalChange change, Throwable cause) {
		this(List.of(listenerId), change, cause);
	}

	/**
	 * @param listenerIds the failed listeners, in the order they ran (at least one)
	 * @param change the change they failed on (only its position is kept in the message)
	 * @param cause what the first of them threw (the others' failures are suppressed exceptions)
	 */
	public ListenerFailedException(List<String> listenerIds, WalChange change, Throwable cause) {
		super(((listenerIds.size() == 1) ? "Listener '" + listenerIds.get(0) + "'"
				: "Listeners '" + String.join("', '", listenerIds) + "'") + " failed on " + change.kind() + " "
				+ change.qualifiedTable() + " at " + change.lsn() + " (commit " + change.commitLsn() + "): " + cause,
				cause);
		this.listenerId = listenerIds.get(0);
		this.listenerIds = List.copyOf(listenerIds);
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
		this.listenerIds = List.of(listenerId);
	}

	/** @return the id of the (first) listener that failed */
	public String getListenerId() {
		return this.listenerId;
	}

	/** @return the ids of every listener that failed, in the order they ran */
	public List<String> getListenerIds() {
		return this.listenerIds;
	}

}
