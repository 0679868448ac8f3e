package dev.lode.spring.listener;

import dev.lode.spring.event.CollectedChanges;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * One transaction's dispatch: the changes that transaction-level listeners collected (one list per listener,
 * in commit order however the changes completed), the number of changes dispatched, and the changes still
 * running (on lanes or in asynchronous listeners). Created by the dispatcher when the transaction begins;
 * changes may complete on any thread.
 *
 * @since 0.1.0
 */
final class TransactionBuffers implements CollectedChanges {

	private final TransactionInfo transaction;

	private @Nullable Map<Object, List<Indexed>> buffers;

	private int changes;

	private int sequence;

	/** Changes handed over and not complete, plus one until the transaction's commit was seen. */
	private final AtomicInteger running = new AtomicInteger(1);

	private volatile @Nullable CompletableFuture<Void> completion;

	TransactionBuffers(TransactionInfo transaction) {
		this.transaction = transaction;
	}

	TransactionInfo transaction() {
		return this.transaction;
	}

	/** @return the next change's position in the transaction (replication thread) */
	int nextSequence() {
		return this.sequence++;
	}

	synchronized void counted() {
		this.changes++;
	}

	synchronized int changes() {
		return this.changes;
	}

	synchronized void collect(Object listener, int sequence, WalChange change) {
		Map<Object, List<Indexed>> map = this.buffers;
		if (map == null) {
			map = new IdentityHashMap<>();
			this.buffers = map;
		}
		map.computeIfAbsent(listener, (key) -> new ArrayList<>()).add(new Indexed(sequence, change));
	}

	@Override
	public synchronized List<WalChange> collected(Object listener) {
		List<Indexed> list = (this.buffers != null) ? this.buffers.get(listener) : null;
		if (list == null) {
			return List.of();
		}
		list.sort(Comparator.comparingInt(Indexed::sequence));
		List<WalChange> result = new ArrayList<>(list.size());
		list.forEach((indexed) -> result.add(indexed.change()));
		return java.util.Collections.unmodifiableList(result);
	}

	/** A change was handed to a lane or an asynchronous listener. */
	void started() {
		this.running.incrementAndGet();
	}

	/** A change handed over completed. */
	void finished() {
		if (this.running.decrementAndGet() == 0) {
			changesDone().complete(null);
		}
	}

	/**
	 * A change failed for good: the transaction cannot complete.
	 * @param failure why
	 */
	void failed(Throwable failure) {
		changesDone().completeExceptionally(failure);
	}

	/**
	 * The commit was seen: no more changes come.
	 * @return {@code null} when every change already completed, else what completes when they have
	 */
	@Nullable CompletableFuture<Void> sealed() {
		CompletableFuture<Void> done = this.completion;
		if (this.running.decrementAndGet() == 0 && (done == null || !done.isCompletedExceptionally())) {
			return null;
		}
		return changesDone();
	}

	private synchronized CompletableFuture<Void> changesDone() {
		CompletableFuture<Void> done = this.completion;
		if (done == null) {
			done = new CompletableFuture<>();
			if (this.running.get() == 0) {
				done.complete(null);
			}
			this.completion = done;
		}
		return done;
	}

	private record Indexed(int sequence, WalChange change) {

	}

}
