package dev.lode.core.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * Handles the changes of the stream, called on the replication thread, in commit order. A transaction is
 * acknowledged to PostgreSQL only after {@link #commitAsync} returned normally and the stage it returned
 * completed normally, and after every transaction before it was; any exception (or a stage completed
 * exceptionally) stops the stream without acknowledging the transaction or anything after it. A handler that
 * works synchronously implements {@link #change} and {@link #commit} only.
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

	/**
	 * All changes of the transaction were handed over; the returned stage completes when their work (and the
	 * transaction's own) completed, and the transaction is acknowledged then, once every transaction before it
	 * was. While stages are incomplete, the loop acknowledges no keepalive or heartbeat position.
	 * @param transaction its metadata
	 * @return completes when the transaction's work did; by default {@link #commit} runs and the transaction
	 * is complete when it returns
	 * @throws Exception to stop the stream without acknowledging
	 * @since 0.2.0
	 */
	default CompletionStage<?> commitAsync(TransactionInfo transaction) throws Exception {
		commit(transaction);
		return COMPLETED;
	}

	/**
	 * A transactional logical message of the current transaction ({@code pg_logical_emit_message(true, ...)}),
	 * between {@link #begin} and {@link #commitAsync}; lode's snapshots use them as watermarks. Ignored by
	 * default.
	 * @param transaction the transaction it belongs to
	 * @param lsn its position
	 * @param prefix the message prefix
	 * @param content the message content
	 * @throws Exception to stop the stream without acknowledging
	 * @since 0.2.0
	 */
	default void message(TransactionInfo transaction, Lsn lsn, String prefix, String content) throws Exception {
	}

	/**
	 * The replication thread is between transactions (after a commit, or while the stream is idle): a handler
	 * may do short work here that must not overlap a transaction, such as reading a snapshot chunk. The stream
	 * is not read meanwhile, and status updates go on. Does nothing by default.
	 * @throws Exception to stop the stream
	 * @since 0.2.0
	 */
	default void betweenTransactions() throws Exception {
	}

	/**
	 * @return what reads the tables when lode creates the slot, or {@code null} (the default) for nothing
	 * @since 0.2.0
	 */
	default @Nullable InitialSnapshot initialSnapshot() {
		return null;
	}

	/**
	 * After a gap in the stream, before lode creates a new slot ({@code lode.slot.on-loss=resync}): records a snapshot
	 * of every watched table, read chunk by chunk while the new slot streams, so that listeners that keep a copy
	 * converge again. Recorded before the slot exists, so a process that stops meanwhile finds the gap again or
	 * continues the snapshot.
	 * @param plain a plain connection in auto-commit mode
	 * @return the snapshot's id, or {@code null} (the default) when this handler cannot read tables
	 * @throws Exception when the snapshot cannot be recorded (a table without primary key, say): no slot is created
	 * @since 0.3.0
	 */
	default @Nullable String resyncAfterGap(java.sql.Connection plain) throws Exception {
		return null;
	}

	/**
	 * The stream ended (stop, failure or lost connection): work handed over and not started yet may be
	 * dropped, as the next stream delivers it again from the acknowledged position.
	 * @since 0.2.0
	 */
	default void discardPending() {
	}

	/** A completed stage, for handlers that complete synchronously. */
	CompletableFuture<Void> COMPLETED = CompletableFuture.completedFuture(null);

}
