package dev.lode.core.replication;

import dev.lode.core.Lsn;

/**
 * Keeps the acknowledged position monotonic: a lower candidate (pgoutput relation messages carry
 * {@code 0/0}; wal2json v1 begin LSNs go up and down) never moves it back.
 *
 * @since 0.1.0
 */
final class AckTracker {

	private volatile Lsn acknowledged;

	private volatile Lsn sent;

	AckTracker(Lsn start) {
		this.acknowledged = start;
		this.sent = start;
	}

	/**
	 * Offers a position whose work is complete.
	 * @param lsn the candidate
	 * @return whether it moved the acknowledged position forward
	 */
	boolean acknowledge(Lsn lsn) {
		if (lsn.isAfter(this.acknowledged)) {
			this.acknowledged = lsn;
			return true;
		}
		return false;
	}

	Lsn acknowledged() {
		return this.acknowledged;
	}

	/** @return whether the acknowledged position was not yet reported to the server */
	boolean unsent() {
		return this.acknowledged.isAfter(this.sent);
	}

	void markSent(Lsn lsn) {
		this.sent = lsn;
	}

}
