package dev.lode.spring.listener;

import dev.lode.spring.event.WalChangeEvent;
import dev.lode.spring.event.WalDispatchEvent;
import dev.lode.spring.event.WalTransactionEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
 * nothing of the transaction. A failed listener does not keep the change from the listeners after it.
 *
 * <p>Handing it the same change again (the error handler's redelivery) publishes it to the listeners
 * that failed on it only. When the error handler goes on without a successful redelivery (the
 * {@code skip} action), the next change or commit settles the skipped one: the failed listeners are
 * reported to the {@link WalListenerObserver} as having skipped it, and the change counts as dispatched
 * to the others (and is collected for the transaction listeners that wanted it).
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

	/** A change some listeners failed on: redelivered to them, or skipped by the error handler. */
	private @Nullable Pending pending;

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
		// a change still pending belongs to a transaction that was given up (the error handler stopped)
		this.pending = null;
		this.current = new TransactionBuffers(transaction);
		observer().transactionStarted(transaction);
	}

	@Override
	public void change(WalChange change) {
		Pending retry = this.pending;
		if (retry != null && retry.change != change) {
			settleSkipped(retry);
			retry = null;
		}
		TransactionBuffers buffers = buffersFor(change.transaction());
		WalChangeEvent event = new WalChangeEvent(this, change, (retry != null) ? retry.listenerIds : null);
		this.publisher.publishEvent(event);
		List<Object> collectors = event.getCollectors();
		if (retry != null) {
			// those of the first delivery, and of listeners that collect only now (their condition failed before)
			List<Object> all = new ArrayList<>(retry.collectors);
			all.addAll(collectors);
			collectors = all;
		}
		List<WalDispatchEvent.ListenerFailure> failures = event.getFailures();
		if (!failures.isEmpty()) {
			Set<String> failed = new LinkedHashSet<>();
			failures.forEach((failure) -> failed.add(failure.listenerId()));
			this.pending = new Pending(change, failed, collectors);
			ListenerFailedException exception = new ListenerFailedException(new ArrayList<>(failed), change,
					failures.get(0).failure());
			failures.stream().skip(1).forEach((failure) -> exception.addSuppressed(failure.failure()));
			throw exception;
		}
		this.pending = null;
		dispatched(buffers, change, collectors);
	}

	/** Every listener of the change has it: counted and collected once, however often it was redelivered. */
	private void dispatched(TransactionBuffers buffers, WalChange change, List<Object> collectors) {
		buffers.counted();
		observer().changeDispatched(change);
		for (Object collector : collectors) {
			buffers.collect(collector, change);
		}
	}

	/** The error handler went on without the listeners that failed on the change. */
	private void settleSkipped(Pending skipped) {
		this.pending = null;
		WalListenerObserver observer = observer();
		for (String listenerId : skipped.listenerIds) {
			observer.changeSkipped(listenerId, skipped.change);
		}
		dispatched(buffersFor(skipped.change.transaction()), skipped.change, skipped.collectors);
	}

	@Override
	public void commit(TransactionInfo transaction) {
		Pending skipped = this.pending;
		if (skipped != null) {
			settleSkipped(skipped);
		}
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

	/**
	 * A change that listeners failed on.
	 *
	 * @param change the change
	 * @param listenerIds the listeners that failed on it, the only ones a redelivery goes to
	 * @param collectors the transaction listeners that want it (from its first delivery)
	 */
	private record Pending(WalChange change, Set<String> listenerIds, List<Object> collectors) {

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
