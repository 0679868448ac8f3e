package dev.lode.core.replication;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;

/**
 * Handles the changes of the stream, on the replication thread, in commit order. A transaction is
 * acknowledged to PostgreSQL only after {@link #commit} returned normally; any exception stops the
 * stream without acknowledging the transaction.
 *
 * @since 0.1.0
 */
public interface ChangeHandler {

	/**
	 * A transaction begins.
	 * @param transaction its metadata
	 * @throws Exception to stop the stream without acknowledging
	 */
	default void begin(TransactionInfo transaction) throws Exception {
	}

	/**
	 * Handles one change; returns only when every listener of the change returned.
	 * @param change the change
	 * @throws Exception to stop the stream without acknowledging
	 */
	void change(WalChange change) throws Exception;

	/**
	 * All changes of the transaction were handled; after this returns the transaction is acknowledged.
	 * @param transaction its metadata
	 * @throws Exception to stop the stream without acknowledging
	 */
	default void commit(TransactionInfo transaction) throws Exception {
	}

}
