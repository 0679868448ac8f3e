package dev.lode.spring.listener;

import dev.lode.spring.event.WalChangeEvent;
import dev.lode.spring.event.WalDispatchEvent;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The delivery of one change to its listeners, over as many attempts as the error handler makes: the first
 * to every listener, each redelivery to those that failed only. Remembers which listeners failed last and
 * which transaction-level listeners want the change (collected once, when the delivery is settled). Used by
 * one thread at a time.
 *
 * @since 0.2.0
 */
final class ChangeDelivery {

	private final Object source;

	private final String sourceName;

	private final ApplicationEventPublisher publisher;

	final WalChange change;

	final TransactionBuffers transaction;

	final int sequence;

	private final List<Object> collectors = new ArrayList<>(0);

	/** Run when the delivery completed for good (its row's later changes may go on), or {@code null}. */
	volatile @Nullable Runnable settled;

	/** The listeners that failed on the last attempt; empty when it succeeded. */
	private Set<String> failed = Set.of();

	ChangeDelivery(Object source, String sourceName, ApplicationEventPublisher publisher, WalChange change,
			TransactionBuffers transaction, int sequence) {
		this.source = source;
		this.sourceName = sourceName;
		this.publisher = publisher;
		this.change = change;
		this.transaction = transaction;
		this.sequence = sequence;
	}

	/**
	 * Publishes the change to every listener (first attempt) or to those that failed (redelivery), without
	 * waiting for listeners that return a stage.
	 * @return the synchronous failure, or {@code null}; {@link #failed()} names who failed
	 */
	@Nullable ListenerFailedException attempt(List<WalDispatchEvent.PendingListener> pendingOut) {
		WalChangeEvent event = new WalChangeEvent(this.source, this.sourceName, this.change,
				this.failed.isEmpty() ? null : this.failed);
		this.publisher.publishEvent(event);
		this.collectors.addAll(event.getCollectors());
		pendingOut.addAll(event.getPending());
		List<WalDispatchEvent.ListenerFailure> failures = event.getFailures();
		if (failures.isEmpty()) {
			this.failed = Set.of();
			return null;
		}
		Set<String> ids = new LinkedHashSet<>();
		failures.forEach((failure) -> ids.add(failure.listenerId()));
		this.failed = ids;
		ListenerFailedException exception = new ListenerFailedException(new ArrayList<>(ids), this.change,
				failures.get(0).failure());
		failures.stream().skip(1).forEach((failure) -> exception.addSuppressed(failure.failure()));
		return exception;
	}

	/**
	 * A redelivery for the error handler: publishes to the listeners that failed and waits for the stages they
	 * return.
	 * @throws ListenerFailedException if any fails again
	 */
	void redeliver() throws InterruptedException {
		List<WalDispatchEvent.PendingListener> pending = new ArrayList<>(0);
		ListenerFailedException failure = attempt(pending);
		ListenerFailedException late = await(pending);
		if (failure != null) {
			throw failure;
		}
		if (late != null) {
			throw late;
		}
	}

	/**
	 * Waits for stages; records the listeners whose stage failed as the failed ones.
	 * @param pending the stages
	 * @return their failure, or {@code null}
	 */
	@Nullable ListenerFailedException await(List<WalDispatchEvent.PendingListener> pending) throws InterruptedException {
		if (pending.isEmpty()) {
			return null;
		}
		Set<String> ids = new LinkedHashSet<>(this.failed);
		Throwable first = null;
		for (WalDispatchEvent.PendingListener listener : pending) {
			try {
				listener.completion().toCompletableFuture().get();
			}
			catch (ExecutionException ex) {
				ids.add(listener.listenerId());
				first = (first != null) ? first : cause(ex);
			}
			catch (java.util.concurrent.CancellationException ex) {
				ids.add(listener.listenerId());
				first = (first != null) ? first : ex;
			}
		}
		return (first != null) ? failedAsync(ids, first) : null;
	}

	/**
	 * Records listeners whose stage failed.
	 * @param ids the listeners
	 * @param cause the first failure
	 * @return the failure for the error handler
	 */
	ListenerFailedException failedAsync(Set<String> ids, Throwable cause) {
		this.failed = new LinkedHashSet<>(ids);
		return new ListenerFailedException(new ArrayList<>(ids), this.change, cause);
	}

	/** @return the listeners that failed on the last attempt (the error handler skipped them if it returned) */
	Set<String> failed() {
		return this.failed;
	}

	/** @return the transaction-level listeners that want the change */
	List<Object> collectors() {
		return this.collectors;
	}

	static Throwable cause(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof ExecutionException || cause instanceof CompletionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/**
	 * @param pending stages
	 * @return a stage that completes when all did (normally or not)
	 */
	static CompletableFuture<Void> allSettled(List<WalDispatchEvent.PendingListener> pending) {
		CompletableFuture<?>[] all = new CompletableFuture<?>[pending.size()];
		for (int i = 0; i < all.length; i++) {
			all[i] = pending.get(i).completion().toCompletableFuture().handle((value, failure) -> null);
		}
		return CompletableFuture.allOf(all);
	}

}
