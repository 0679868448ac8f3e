package dev.lode.spring.observation;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * What one listener call is about: the listener, and the change (for {@code @OnWalChange}) or the transaction
 * (for {@code @OnWalTransaction}).
 *
 * @since 0.2.0
 */
public class WalListenerObservationContext extends Observation.Context {

	private final String listenerId;

	private final @Nullable WalChange change;

	private final TransactionInfo transaction;

	/**
	 * @param listenerId the listener's id
	 * @param change the change, or {@code null} for a transaction-level listener
	 * @param transaction the transaction
	 */
	public WalListenerObservationContext(String listenerId, @Nullable WalChange change, TransactionInfo transaction) {
		this.listenerId = listenerId;
		this.change = change;
		this.transaction = transaction;
	}

	/** @return the listener's id */
	public String getListenerId() {
		return this.listenerId;
	}

	/** @return the change, or {@code null} for a transaction-level listener */
	public @Nullable WalChange getChange() {
		return this.change;
	}

	/** @return the transaction */
	public TransactionInfo getTransaction() {
		return this.transaction;
	}

}
