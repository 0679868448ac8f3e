package dev.lode.spring.event;

import java.util.List;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * The application event lode publishes when a transaction's commit arrives, after the
 * {@link WalChangeEvent}s of all its changes; {@link OnWalTransaction} methods run on it. The
 * transaction is acknowledged only after every listener of this event returned normally.
 *
 * @since 0.1.0
 */
public class WalTransactionEvent extends WalDispatchEvent {

	private static final long serialVersionUID = 1L;

	private final transient TransactionInfo transaction;

	private final int changeCount;

	private final transient @Nullable CollectedChanges buffers;

	/**
	 * @param source the publisher
	 * @param transaction the committed transaction
	 * @param changeCount how many changes of it were dispatched
	 */
	public WalTransactionEvent(Object source, TransactionInfo transaction, int changeCount) {
		this(source, transaction, changeCount, null);
	}

	/**
	 * @param source the publisher
	 * @param transaction the committed transaction
	 * @param changeCount how many changes of it were dispatched
	 * @param buffers what the transaction-level listeners collected
	 */
	public WalTransactionEvent(Object source, TransactionInfo transaction, int changeCount,
			@Nullable CollectedChanges buffers) {
		this(source, "default", transaction, changeCount, buffers);
	}

	/**
	 * @param source the publisher
	 * @param sourceName the name of lode's source the transaction comes from
	 * @param transaction the committed transaction
	 * @param changeCount how many changes of it were dispatched
	 * @param buffers what the transaction-level listeners collected
	 * @since 0.4.0
	 */
	public WalTransactionEvent(Object source, String sourceName, TransactionInfo transaction, int changeCount,
			@Nullable CollectedChanges buffers) {
		super(source, sourceName);
		this.transaction = transaction;
		this.changeCount = changeCount;
		this.buffers = buffers;
	}

	/** @return the committed transaction */
	public TransactionInfo getTransaction() {
		return this.transaction;
	}

	/** @return how many changes of the transaction were dispatched (after server-side filtering) */
	public int getChangeCount() {
		return this.changeCount;
	}

	/**
	 * @param listener a transaction-level listener
	 * @return the changes it collected, empty if none
	 */
	public List<WalChange> collected(Object listener) {
		return (this.buffers != null) ? this.buffers.collected(listener) : List.of();
	}

}
