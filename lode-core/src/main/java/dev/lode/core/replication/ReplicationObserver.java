package dev.lode.core.replication;

import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;

/**
 * Callbacks for health and metrics. Called on the replication thread (or the thread that manages
 * reconnects); implementations must be quick and must not throw.
 *
 * @since 0.1.0
 */
public interface ReplicationObserver {

	/** An observer that does nothing. */
	ReplicationObserver NONE = new ReplicationObserver() {
	};

	/**
	 * Streaming started (also after each reconnect).
	 * @param slot the slot name
	 * @param confirmedLsn the slot's confirmed position when streaming started
	 */
	default void streamingStarted(String slot, Lsn confirmedLsn) {
	}

	/**
	 * A message arrived.
	 * @param lsn the message's LSN as the driver reported it
	 */
	default void received(Lsn lsn) {
	}

	/**
	 * The server reported its position (a keepalive while lode was idle), or lode asked for it (while the
	 * replication thread is busy: called on the status keeper's thread then).
	 * @param lsn the server's WAL position as sent
	 */
	default void serverPosition(Lsn lsn) {
	}

	/**
	 * A transaction's listeners all returned; it is acknowledged next.
	 * @param transaction the transaction
	 * @param changes how many changes it had (after server-side filtering)
	 */
	default void transactionCompleted(TransactionInfo transaction, int changes) {
	}

	/**
	 * A position was acknowledged (will be flushed to the server).
	 * @param lsn the acknowledged LSN
	 */
	default void acknowledged(Lsn lsn) {
	}

	/**
	 * lode found a gap in its stream (the slot it streamed from is gone, invalidated, replaced or on another
	 * server); called before it acts on {@link StreamGap#action()}: before a re-synchronisation starts, before it
	 * refuses to stream.
	 * @param gap the gap
	 * @since 0.3.0
	 */
	default void streamGap(StreamGap gap) {
	}

	/**
	 * The stream was checked against lode's record and opened (after {@link #streamingStarted}'s checks).
	 * @param slot the slot as it was when streaming started
	 * @param server the server
	 * @param record the record as written when streaming started
	 * @since 0.3.0
	 */
	default void streamChecked(SlotInfo slot, ServerIdentity server, StreamRecord record) {
	}

	/**
	 * The connection was lost or could not be made; lode tries again.
	 * @param attempt the number of the coming attempt (1 for the first reconnect)
	 * @param cause what went wrong
	 */
	default void reconnecting(int attempt, Throwable cause) {
	}

	/**
	 * With several sources (several slots, each with its own loop), each source's loop reports to what this returns
	 * for the source's name, so that an observer that tells sources apart can return one of its own per source.
	 * @param source the source's name ({@code default} for the first one)
	 * @return the observer of that source: this one, unless overridden
	 * @since 0.4.0
	 */
	default ReplicationObserver forSource(String source) {
		return this;
	}

}
