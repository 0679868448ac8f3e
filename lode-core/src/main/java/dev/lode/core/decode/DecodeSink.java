package dev.lode.core.decode;

import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;

/**
 * Receives what a {@link WalDecoder} found in the stream, in stream order. Exceptions thrown here
 * (for example by a listener) propagate out of {@link WalDecoder#decode}.
 *
 * @since 0.1.0
 */
public interface DecodeSink {

	/**
	 * A transaction begins.
	 * @param transaction its metadata
	 * @throws Exception if handling failed
	 */
	void begin(TransactionInfo transaction) throws Exception;

	/**
	 * A row change of the current transaction.
	 * @param change the change
	 * @throws Exception if handling failed
	 */
	void change(WalChange change) throws Exception;

	/**
	 * The current transaction committed; everything before {@code endLsn} may be acknowledged once it
	 * was handled.
	 * @param transaction its metadata
	 * @param endLsn the end of the commit record, the position to acknowledge
	 * @throws Exception if handling failed
	 */
	void commit(TransactionInfo transaction, Lsn endLsn) throws Exception;

	/**
	 * A non-transactional logical message ({@code pg_logical_emit_message(false, ...)}).
	 * @param lsn its position, safe to acknowledge once handled
	 * @param prefix the message prefix
	 * @param content the message content
	 * @throws Exception if handling failed
	 */
	void message(Lsn lsn, String prefix, String content) throws Exception;

	/**
	 * A transactional logical message ({@code pg_logical_emit_message(true, ...)}) of the current transaction,
	 * delivered where the plugin puts it (between the transaction's begin and commit). Ignored by default.
	 * @param lsn its position
	 * @param prefix the message prefix
	 * @param content the message content
	 * @throws Exception if handling failed
	 * @since 0.2.0
	 */
	default void transactionalMessage(Lsn lsn, String prefix, String content) throws Exception {
	}

}
