package dev.lode.spring.listener;

import dev.lode.spring.event.WalChangeEvent;
import dev.lode.spring.event.WalDispatchEvent;
import dev.lode.spring.event.WalTransactionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.lode.core.ChangeKind;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.replication.ChangeHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes each change as a {@link WalChangeEvent} and each commit as a {@link WalTransactionEvent}
 * through the {@link ApplicationEventPublisher}, and reports a transaction complete only when every
 * listener of every change of it completed: returned, or, for a listener that returned a
 * {@link CompletionStage}, when that stage completed. A failure (a listener threw, a stage completed
 * exceptionally) goes to the {@link WalChangeErrorHandler}, which redelivers the change to the listeners
 * that failed, skips them, or gives up; giving up fails the transaction, and the replication loop then
 * acknowledges nothing from it on. A failed listener does not keep the change from the listeners after it.
 *
 * <p>With {@link DispatchOptions#concurrency()} 1 (the default) listeners run on the replication thread, in
 * commit order. With more, changes run on that many lanes: all changes of a row (table and key; with
 * {@link ListenerOrdering#TABLE} of a table) on one lane, in commit order; a TRUNCATE and an UPDATE that
 * changes a key wait for every change before them and hold back every change after them; transaction-level
 * listeners run in commit order once all changes of their transaction completed. At most
 * {@link DispatchOptions#maxInFlight()} changes (and their estimated bytes) are dispatched and not complete;
 * beyond, the replication thread waits.
 *
 * <p>Created with a {@link WalListenerObserver} it reports to that observer; created without one, it
 * reports to every {@link WalListenerObserver} bean of its bean factory.
 *
 * @since 0.1.0
 */
public class WalChangeDispatcher implements ChangeHandler, BeanFactoryAware, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(WalChangeDispatcher.class);

	/** Without an error handler, a failure gives up at once. */
	private static final WalChangeErrorHandler GIVE_UP = (change, failure, redelivery) -> {
		throw failure;
	};

	private final ApplicationEventPublisher publisher;

	private final DispatchOptions options;

	private final String sourceName;

	private final WalChangeErrorHandler errorHandler;

	private final @Nullable Lanes lanes;

	private final InFlightLimiter limiter;

	private volatile @Nullable ExecutorService retries;

	private volatile @Nullable WalListenerObserver observer;

	private volatile @Nullable ObjectProvider<WalListenerObserver> observers;

	/** The transaction being read (replication thread only). */
	private @Nullable TransactionBuffers current;

	/**
	 * Rows with a change whose asynchronous listeners have not completed (retries included): a later change of
	 * the same row waits for it, so each row's changes complete in commit order.
	 */
	private final ConcurrentHashMap<RowKey, CompletableFuture<Void>> pendingRows = new ConcurrentHashMap<>();

	/** Completes when the last transaction handed over did (replication thread only). */
	private CompletableFuture<Void> previous = COMPLETED;

	/**
	 * Creates a dispatcher that reports to the {@link WalListenerObserver} beans of its bean factory, runs
	 * listeners on the replication thread and gives up on the first failure.
	 * @param publisher the context's publisher
	 */
	public WalChangeDispatcher(ApplicationEventPublisher publisher) {
		this(publisher, null, GIVE_UP, DispatchOptions.SERIAL);
	}

	/**
	 * @param publisher the context's publisher
	 * @param observer receives the dispatch callbacks ({@link WalListenerObserver#NONE} for none)
	 */
	public WalChangeDispatcher(ApplicationEventPublisher publisher, WalListenerObserver observer) {
		this(publisher, observer, GIVE_UP, DispatchOptions.SERIAL);
	}

	/**
	 * @param publisher the context's publisher
	 * @param observer receives the dispatch callbacks ({@link WalListenerObserver#NONE} for none), or
	 * {@code null} for the {@link WalListenerObserver} beans
	 * @param errorHandler decides about failed changes
	 * @param options lanes and limits
	 * @since 0.2.0
	 */
	public WalChangeDispatcher(ApplicationEventPublisher publisher, @Nullable WalListenerObserver observer,
			WalChangeErrorHandler errorHandler, DispatchOptions options) {
		this(publisher, observer, errorHandler, options, WalSources.DEFAULT);
	}

	/**
	 * A dispatcher of one of several sources: its events carry the source's name, and only that source's
	 * listeners receive them.
	 * @param publisher the context's publisher
	 * @param observer receives the dispatch callbacks ({@link WalListenerObserver#NONE} for none), or
	 * {@code null} for the {@link WalListenerObserver} beans
	 * @param errorHandler decides about failed changes
	 * @param options lanes and limits
	 * @param sourceName the source's name ({@value WalSources#DEFAULT} for the one of {@code lode.*})
	 * @since 0.4.0
	 */
	public WalChangeDispatcher(ApplicationEventPublisher publisher, @Nullable WalListenerObserver observer,
			WalChangeErrorHandler errorHandler, DispatchOptions options, String sourceName) {
		this.sourceName = sourceName;
		this.publisher = publisher;
		this.observer = observer;
		this.errorHandler = errorHandler;
		this.options = options;
		this.lanes = (options.concurrency() > 1) ? new Lanes(options.concurrency()) : null;
		this.limiter = new InFlightLimiter(options.maxInFlight(), options.maxInFlightBytes());
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		if (this.observer == null) {
			this.observers = beanFactory.getBeanProvider(WalListenerObserver.class);
		}
	}

	/**
	 * @return the name of the source whose changes this dispatcher publishes
	 * @since 0.4.0
	 */
	public String getSourceName() {
		return this.sourceName;
	}

	/** @return the lanes and limits */
	public DispatchOptions getOptions() {
		return this.options;
	}

	/**
	 * @return the changes dispatched whose listeners have not completed (on lanes or asynchronously)
	 * @since 0.2.0
	 */
	public int getInFlightChanges() {
		return this.limiter.changes();
	}

	/**
	 * @return the estimated bytes of those changes
	 * @since 0.2.0
	 */
	public long getInFlightBytes() {
		return this.limiter.bytes();
	}

	/**
	 * @return each lane's queued changes; empty with concurrency 1
	 * @since 0.2.0
	 */
	public int[] getLaneQueueDepths() {
		Lanes current = this.lanes;
		return (current != null) ? current.depths() : new int[0];
	}

	@Override
	public void begin(TransactionInfo transaction) {
		this.current = new TransactionBuffers(transaction);
		observer().transactionStarted(transaction);
	}

	@Override
	public void change(WalChange change) throws Exception {
		TransactionBuffers transaction = buffersFor(change.transaction());
		ChangeDelivery delivery = new ChangeDelivery(this, this.sourceName, this.publisher, change, transaction,
				transaction.nextSequence());
		Lanes lanes = this.lanes;
		if (lanes == null) {
			deliverHere(delivery);
		}
		else if (isBarrier(change)) {
			// after everything before it, and before anything after it
			this.limiter.awaitIdle();
			deliverHere(delivery);
			this.limiter.awaitIdle();
		}
		else {
			long size = size(change);
			this.limiter.acquire(size);
			transaction.started();
			lanes.execute(lanes.laneOf(RowKey.of(change, this.options.ordering())), new LaneTask(delivery, size));
		}
	}

	private boolean isBarrier(WalChange change) {
		return this.options.ordering() == ListenerOrdering.ROW
				&& (change.kind() == ChangeKind.TRUNCATE || !change.oldKey().isEmpty());
	}

	private long size(WalChange change) {
		return (this.options.maxInFlightBytes() > 0) ? InFlightLimiter.estimate(change) : 0;
	}

	/** Delivers on this thread; listeners that return a stage complete later. */
	private void deliverHere(ChangeDelivery delivery) throws Exception {
		List<WalDispatchEvent.PendingListener> pending = new ArrayList<>(0);
		deliverFirst(delivery, pending);
		if (pending.isEmpty()) {
			settle(delivery);
			return;
		}
		long size = size(delivery.change);
		this.limiter.acquire(size);
		delivery.transaction.started();
		completeLater(delivery, pending, size);
	}

	/** The first attempt, and the error handler's redeliveries when a listener threw. */
	private void deliverFirst(ChangeDelivery delivery, List<WalDispatchEvent.PendingListener> pending)
			throws Exception {
		awaitRow(delivery.change);
		ListenerFailedException failure = delivery.attempt(pending);
		if (failure != null) {
			handleFailure(delivery, failure);
		}
	}

	private void handleFailure(ChangeDelivery delivery, ListenerFailedException failure) throws Exception {
		this.errorHandler.handle(delivery.change, failure, delivery::redeliver);
		if (!delivery.failed().isEmpty()) {
			// the error handler went on without them
			WalListenerObserver observer = observer();
			for (String listenerId : delivery.failed()) {
				observer.changeSkipped(listenerId, delivery.change);
			}
		}
	}

	/** Waits until the row's earlier change completed on its asynchronous listeners (retries included). */
	private void awaitRow(WalChange change) throws InterruptedException {
		if (this.pendingRows.isEmpty()) {
			return;
		}
		RowKey before = RowKey.before(change);
		for (RowKey row : (before != null) ? List.of(RowKey.of(change, this.options.ordering()), before)
				: List.of(RowKey.of(change, this.options.ordering()))) {
			CompletableFuture<Void> earlier = this.pendingRows.get(row);
			if (earlier != null) {
				try {
					earlier.get();
				}
				catch (java.util.concurrent.ExecutionException ex) {
					// its failure is the earlier change's, reported there
				}
			}
		}
	}

	/** Waits for the stages listeners returned; a failed one goes to the error handler on a retry thread. */
	private void completeLater(ChangeDelivery delivery, List<WalDispatchEvent.PendingListener> pending, long size) {
		if (!allPipelined(pending)) {
			holdRow(delivery);
		}
		ChangeDelivery.allSettled(pending).whenComplete((ignored, unexpected) -> {
			java.util.Set<String> failed = new java.util.LinkedHashSet<>();
			Throwable first = null;
			for (WalDispatchEvent.PendingListener listener : pending) {
				CompletableFuture<?> stage = listener.completion().toCompletableFuture();
				if (stage.isCompletedExceptionally()) {
					failed.add(listener.listenerId());
					if (first == null) {
						first = failureOf(stage);
					}
				}
			}
			if (failed.isEmpty()) {
				try {
					settle(delivery);
				}
				catch (RuntimeException ex) {
					delivery.transaction.failed(ex);
				}
				finish(delivery, size);
				return;
			}
			ListenerFailedException failure = delivery.failedAsync(failed, first);
			retries().execute(() -> {
				try {
					handleFailure(delivery, failure);
					settle(delivery);
				}
				catch (Throwable ex) {
					delivery.transaction.failed(ex);
				}
				finally {
					finish(delivery, size);
				}
			});
		});
	}

	/** A row's later change waits until this one completed on its asynchronous listeners (retries included). */
	private void holdRow(ChangeDelivery delivery) {
		RowKey row = RowKey.of(delivery.change, this.options.ordering());
		RowKey before = RowKey.before(delivery.change);
		CompletableFuture<Void> settled = new CompletableFuture<>();
		this.pendingRows.put(row, settled);
		if (before != null) {
			this.pendingRows.put(before, settled);
		}
		delivery.settled = () -> {
			this.pendingRows.remove(row, settled);
			if (before != null) {
				this.pendingRows.remove(before, settled);
			}
			settled.complete(null);
		};
	}

	/** @return whether every stage is of a listener that keeps each row's order itself */
	private static boolean allPipelined(List<WalDispatchEvent.PendingListener> pending) {
		for (WalDispatchEvent.PendingListener listener : pending) {
			if (!listener.pipelined()) {
				return false;
			}
		}
		return true;
	}

	private static Throwable failureOf(CompletableFuture<?> stage) {
		try {
			stage.join();
			return new IllegalStateException("not failed");
		}
		catch (RuntimeException ex) {
			return ChangeDelivery.cause(ex);
		}
	}

	private void finish(ChangeDelivery delivery, long size) {
		delivery.transaction.finished();
		this.limiter.release(size);
		Runnable settled = delivery.settled;
		if (settled != null) {
			settled.run();
		}
	}

	/** Every listener of the change has it: counted and collected once, however often it was redelivered. */
	private void settle(ChangeDelivery delivery) {
		TransactionBuffers buffers = delivery.transaction;
		buffers.counted();
		observer().changeDispatched(delivery.change);
		for (Object collector : delivery.collectors()) {
			buffers.collect(collector, delivery.sequence, delivery.change);
		}
	}

	@Override
	public void commit(TransactionInfo transaction) throws Exception {
		commitAsync(transaction).toCompletableFuture().get();
	}

	@Override
	public CompletionStage<?> commitAsync(TransactionInfo transaction) throws Exception {
		TransactionBuffers buffers = buffersFor(transaction);
		this.current = null;
		CompletableFuture<Void> changes = buffers.sealed();
		CompletableFuture<Void> before = this.previous;
		CompletableFuture<Void> done;
		if (changes == null && before.isDone() && !before.isCompletedExceptionally()) {
			done = transactionListeners(buffers);
		}
		else {
			CompletableFuture<Void> ready = (changes == null) ? before : CompletableFuture.allOf(before, changes);
			done = ready.thenCompose((ignored) -> transactionListeners(buffers));
		}
		this.previous = done;
		return done;
	}

	/** Publishes the transaction event; completes when its listeners did. */
	private CompletableFuture<Void> transactionListeners(TransactionBuffers buffers) {
		TransactionInfo transaction = buffers.transaction();
		WalTransactionEvent event = new WalTransactionEvent(this, this.sourceName, transaction, buffers.changes(),
				buffers);
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
		List<WalDispatchEvent.PendingListener> pending = event.getPending();
		if (pending.isEmpty()) {
			return COMPLETED;
		}
		return ChangeDelivery.allSettled(pending).thenRun(() -> {
			for (WalDispatchEvent.PendingListener listener : pending) {
				CompletableFuture<?> stage = listener.completion().toCompletableFuture();
				if (stage.isCompletedExceptionally()) {
					throw new ListenerFailedException(listener.listenerId(), transaction, failureOf(stage));
				}
			}
		});
	}

	@Override
	public void discardPending() {
		Lanes lanes = this.lanes;
		if (lanes != null) {
			for (Runnable task : lanes.drainQueued()) {
				if (task instanceof LaneTask laneTask) {
					laneTask.drop();
				}
			}
		}
		this.current = null;
		this.previous = COMPLETED;
	}

	@Override
	public void destroy() {
		Lanes lanes = this.lanes;
		if (lanes != null) {
			lanes.shutdown();
		}
		ExecutorService executor = this.retries;
		if (executor != null) {
			executor.shutdownNow();
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

	private ExecutorService retries() {
		ExecutorService executor = this.retries;
		if (executor == null) {
			synchronized (this) {
				executor = this.retries;
				if (executor == null) {
					executor = Executors.newCachedThreadPool((runnable) -> {
						Thread thread = new Thread(runnable, "lode-retry");
						thread.setDaemon(true);
						return thread;
					});
					this.retries = executor;
				}
			}
		}
		return executor;
	}

	private WalListenerObserver observer() {
		WalListenerObserver result = this.observer;
		if (result == null) {
			ObjectProvider<WalListenerObserver> provider = this.observers;
			result = (provider != null) ? WalListenerObserver.of(provider.orderedStream().toList(), this.sourceName)
					: WalListenerObserver.NONE;
			this.observer = result;
		}
		return result;
	}

	/** One change on a lane. */
	private final class LaneTask implements Runnable {

		private final ChangeDelivery delivery;

		private final long size;

		LaneTask(ChangeDelivery delivery, long size) {
			this.delivery = delivery;
			this.size = size;
		}

		@Override
		public void run() {
			List<WalDispatchEvent.PendingListener> pending = new ArrayList<>(0);
			try {
				deliverFirst(this.delivery, pending);
				if (!pending.isEmpty()) {
					completeLater(this.delivery, pending, this.size);
					return;
				}
				settle(this.delivery);
			}
			catch (Throwable ex) {
				// the error handler gave up (or an observer failed): the transaction cannot complete
				this.delivery.transaction.failed(ex);
			}
			finish(this.delivery, this.size);
		}

		/** Removed from its lane before it ran: the next stream delivers the change again. */
		void drop() {
			WalChangeDispatcher.this.limiter.release(this.size);
		}

	}

}
