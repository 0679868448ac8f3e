package dev.lode.core.replication;

import java.util.List;

import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;

/**
 * Forwards every callback to several observers, in order.
 *
 * @since 0.1.0
 */
public final class CompositeReplicationObserver implements ReplicationObserver {

	private final ReplicationObserver[] observers;

	/**
	 * @param observers the observers to call
	 */
	public CompositeReplicationObserver(List<? extends ReplicationObserver> observers) {
		this.observers = observers.toArray(ReplicationObserver[]::new);
	}

	@Override
	public void streamingStarted(String slot, Lsn confirmedLsn) {
		for (ReplicationObserver observer : this.observers) {
			observer.streamingStarted(slot, confirmedLsn);
		}
	}

	@Override
	public void received(Lsn lsn) {
		for (ReplicationObserver observer : this.observers) {
			observer.received(lsn);
		}
	}

	@Override
	public void serverPosition(Lsn lsn) {
		for (ReplicationObserver observer : this.observers) {
			observer.serverPosition(lsn);
		}
	}

	@Override
	public void transactionCompleted(TransactionInfo transaction, int changes) {
		for (ReplicationObserver observer : this.observers) {
			observer.transactionCompleted(transaction, changes);
		}
	}

	@Override
	public void acknowledged(Lsn lsn) {
		for (ReplicationObserver observer : this.observers) {
			observer.acknowledged(lsn);
		}
	}

	@Override
	public void reconnecting(int attempt, Throwable cause) {
		for (ReplicationObserver observer : this.observers) {
			observer.reconnecting(attempt, cause);
		}
	}

	@Override
	public void streamGap(StreamGap gap) {
		for (ReplicationObserver observer : this.observers) {
			observer.streamGap(gap);
		}
	}

	@Override
	public void streamChecked(SlotInfo slot, ServerIdentity server, StreamRecord record) {
		for (ReplicationObserver observer : this.observers) {
			observer.streamChecked(slot, server, record);
		}
	}

}
