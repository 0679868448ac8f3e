package dev.lode.spring;

import java.util.List;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.replication.ChangeHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes each change as a {@link WalChangeEvent} and each commit as a {@link WalTransactionEvent}
 * through the {@link ApplicationEventPublisher}, and throws when any listener failed, even when a
 * multicaster's {@code ErrorHandler} swallowed the failure: the replication loop then acknowledges
 * nothing of the transaction.
 *
 * <p>Created with a {@link WalListenerObserver} it reports to that observer; created without one, it
 * reports to every {@link WalListenerObserver} bean of its bean factory.
 *
 * @since 0.1.0
 */
public class WalChangeDispatcher implements ChangeHandler, BeanFactoryAware {

	private static final Logger logger = LoggerFactory.getLogger(WalChangeDispatcher.class);

	private final ApplicationEventPublisher publisher;

	private volatile @Nullable WalListenerObserver observer;

	private volatile @Nullable ObjectProvider<WalListenerObserver> observers;

	private @Nullable TransactionBuffers current;

	/**
	 * Creates a dispatcher that reports to the {@link WalListenerObserver} beans of its bean factory.
	 * @param publisher the context's publisher
	 */
	public WalChangeDispatcher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	/**
	 * @param publisher the context's publisher
	 * @param observer receives the dispatch callbacks ({@link WalListenerObserver#NONE} for none)
	 */
	public WalChangeDispatcher(ApplicationEventPublisher publisher, WalListenerObserver observer) {
		this.publisher = publisher;
		this.observer = observer;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		if (this.observer == null) {
			this.observers = beanFactory.getBeanProvider(WalListenerObserver.class);
		}
	}

	@Override
	public void begin(TransactionInfo transaction) {
		this.current = new TransactionBuffers(transaction);
		observer().transactionStarted(transaction);
	}

	@Override
	public void change(WalChange change) {
		TransactionBuffers buffers = buffersFor(change.transaction());
		WalChangeEvent event = new WalChangeEvent(this, change);
		this.publisher.publishEvent(event);
		List<WalDispatchEvent.ListenerFailure> failures = event.getFailures();
		if (!failures.isEmpty()) {
			WalDispatchEvent.ListenerFailure first = failures.get(0);
			throw new ListenerFailedException(first.listenerId(), change, first.failure());
		}
		// only now: a change redelivered after a failure is counted and collected once
		buffers.counted();
		observer().changeDispatched(change);
		for (Object collector : event.getCollectors()) {
			buffers.collect(collector, change);
		}
	}

	@Override
	public void commit(TransactionInfo transaction) {
		TransactionBuffers buffers = buffersFor(transaction);
		this.current = null;
		WalTransactionEvent event = new WalTransactionEvent(this, transaction, buffers.changes(), buffers);
		this.publisher.publishEvent(event);
		List<WalDispatchEvent.ListenerFailure> failures = event.getFailures();
		if (!failures.isEmpty()) {
			WalDispatchEvent.ListenerFailure first = failures.get(0);
			throw new ListenerFailedException(first.listenerId(), transaction, first.failure());
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Dispatched transaction {} (commit {}) with {} changes", transaction.xid(),
					transaction.commitLsn(), buffers.changes());
		}
	}

	/** A handler called without {@link #begin} (or after an abandoned transaction) still gets fresh buffers. */
	private TransactionBuffers buffersFor(TransactionInfo transaction) {
		TransactionBuffers buffers = this.current;
		if (buffers == null || !buffers.transaction().equals(transaction)) {
			buffers = new TransactionBuffers(transaction);
			this.current = buffers;
		}
		return buffers;
	}

	private WalListenerObserver observer() {
		WalListenerObserver result = this.observer;
		if (result == null) {
			ObjectProvider<WalListenerObserver> provider = this.observers;
			result = (provider != null) ? WalListenerObserver.of(provider.orderedStream().toList())
					: WalListenerObserver.NONE;
			this.observer = result;
		}
		return result;
	}

}
