package dev.lode.spring.listener;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.replication.ChangeHandler;

/**
 * Applies a {@link WalChangeErrorHandler} to the changes a delegate {@link ChangeHandler} fails on.
 *
 * @since 0.1.0
 */
public class ErrorHandlingChangeHandler implements ChangeHandler {

	private final ChangeHandler delegate;

	private final WalChangeErrorHandler errorHandler;

	/**
	 * @param delegate the handler that dispatches to listeners
	 * @param errorHandler what to do when it fails
	 */
	public ErrorHandlingChangeHandler(ChangeHandler delegate, WalChangeErrorHandler errorHandler) {
		this.delegate = delegate;
		this.errorHandler = errorHandler;
	}

	@Override
	public void begin(TransactionInfo transaction) throws Exception {
		this.delegate.begin(transaction);
	}

	@Override
	public void change(WalChange change) throws Exception {
		try {
			this.delegate.change(change);
		}
		catch (Exception ex) {
			this.errorHandler.handle(change, ex, () -> this.delegate.change(change));
		}
	}

	@Override
	public void commit(TransactionInfo transaction) throws Exception {
		this.delegate.commit(transaction);
	}

}
