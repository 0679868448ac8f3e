package dev.lode.core.replication;

import dev.lode.core.Lsn;

/**
 * Callbacks for health and metrics. Called on the replication thread; implementations must be quick
 * and must not throw.
 *
 * @since 0.1.0
 */
public interface ReplicationObserver {

	/** An observer that does nothing. */
	ReplicationObserver NONE = new ReplicationObserver() {
	};

	/**
	 * Streaming started.
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
	 * A position was acknowledged (will be flushed to the server).
	 * @param lsn the acknowledged LSN
	 */
	default void acknowledged(Lsn lsn) {
	}

}
