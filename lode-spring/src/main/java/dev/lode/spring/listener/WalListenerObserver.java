package dev.lode.spring.listener;

import java.util.List;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;

/**
 * Callbacks about dispatching changes to listeners, for metrics. Every bean of this type is called.
 * Called on the replication thread for every change: implementations must be quick, must not
 * allocate much and must not throw.
 *
 * @since 0.1.0
 * @see dev.lode.core.replication.ReplicationObserver
 */
public interface WalListenerObserver {

	/** An observer that does nothing. */
	WalListenerObserver NONE = new WalListenerObserver() {
	};

	/**
	 * The dispatcher starts dispatching a transaction.
	 * @param transaction the transaction (its commit time, when known, is when PostgreSQL committed it)
	 */
	default void transactionStarted(TransactionInfo transaction) {
	}

	/**
	 * Every listener of a change returned normally (a change redelivered after a failure is reported
	 * once, when it succeeds).
	 * @param change the change
	 */
	default void changeDispatched(WalChange change) {
	}

	/**
	 * A listener failed on a change and the error handler went on without it (the {@code skip} failure
	 * action): that listener never received the change, the others did.
	 * @param listenerId the listener's id
	 * @param change the change
	 */
	default void changeSkipped(String listenerId, WalChange change) {
	}

	/**
	 * A listener returned or failed.
	 * @param listenerId the listener's id
	 * @param durationNanos how long it ran, argument binding included
	 * @param success whether it returned normally
	 */
	default void listenerCompleted(String listenerId, long durationNanos, boolean success) {
	}

	/**
	 * With several sources ({@code lode.sources.<name>}), each source's dispatcher and listeners report to what
	 * this returns for the source's name, so that an observer that tells sources apart (lode's metrics tag them)
	 * can return one of its own per source.
	 * @param source the source's name ({@code default} for the one of {@code lode.*})
	 * @return the observer of that source: this one, unless overridden
	 * @since 0.4.0
	 */
	default WalListenerObserver forSource(String source) {
		return this;
	}

	/**
	 * @param observers the observers
	 * @param source a source's name
	 * @return one observer that calls each one's {@link #forSource} observer
	 * @since 0.4.0
	 */
	static WalListenerObserver of(List<? extends WalListenerObserver> observers, String source) {
		return of(observers.stream().map((observer) -> observer.forSource(source)).toList());
	}

	/**
	 * @param observers the observers to call, in order
	 * @return one observer that calls them all ({@link #NONE} for none)
	 */
	static WalListenerObserver of(List<? extends WalListenerObserver> observers) {
		if (observers.isEmpty()) {
			return NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		WalListenerObserver[] all = observers.toArray(WalListenerObserver[]::new);
		return new WalListenerObserver() {

			@Override
			public void transactionStarted(TransactionInfo transaction) {
				for (WalListenerObserver observer : all) {
					observer.transactionStarted(transaction);
				}
			}

			@Override
			public void changeDispatched(WalChange change) {
				for (WalListenerObserver observer : all) {
					observer.changeDispatched(change);
				}
			}

			@Override
			public void changeSkipped(String listenerId, WalChange change) {
				for (WalListenerObserver observer : all) {
					observer.changeSkipped(listenerId, change);
				}
			}

			@Override
			public void listenerCompleted(String listenerId, long durationNanos, boolean success) {
				for (WalListenerObserver observer : all) {
					observer.listenerCompleted(listenerId, durationNanos, success);
				}
			}

		};
	}

}
