package dev.lode.core.replication;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.lode.core.Lsn;
import org.jspecify.annotations.Nullable;

/**
 * The transactions handed to the {@link ChangeHandler} whose work has not completed yet, in commit order,
 * each with the end LSN that acknowledges it. The acknowledgeable position is the end of the longest
 * prefix of completed transactions: a transaction that completed early waits behind an earlier one that has
 * not. A transaction that completed exceptionally is never acknowledged, nor is anything after it. Used by
 * the replication thread and by the threads that complete the work; all methods are atomic.
 *
 * @since 0.2.0
 */
final class CompletionLedger {

	private final ArrayDeque<Entry> entries = new ArrayDeque<>();

	private @Nullable Throwable failure;

	/** The number of entries, readable without the lock (the replication thread asks once per message). */
	private volatile int count;

	/** @return whether every transaction handed over completed (nothing is in flight) */
	boolean isEmpty() {
		return this.count == 0;
	}

	/** @return how many transactions are in flight */
	synchronized int size() {
		return this.entries.size();
	}

	/**
	 * @param end the transaction's end LSN
	 * @param completion completes when all of its work did
	 */
	synchronized void add(Lsn end, CompletableFuture<?> completion) {
		this.entries.addLast(new Entry(end, completion));
		this.count = this.entries.size();
	}

	/**
	 * Adds a transaction without changes (lode's own bookkeeping, a transaction of tables nobody watches that the
	 * plugin sends empty) to the last one in flight instead of counting it apart: the last entry then ends at its
	 * end and completes when both completed.
	 * @param end the empty transaction's end LSN
	 * @param completion completes when its work did
	 * @return what the merged entry completes with
	 */
	synchronized CompletableFuture<?> addToLast(Lsn end, CompletableFuture<?> completion) {
		Entry last = this.entries.pollLast();
		if (last == null) {
			throw new IllegalStateException("No transaction in flight to add to");
		}
		CompletableFuture<?> both = completion.isDone() && !completion.isCompletedExceptionally() ? last.completion
				: CompletableFuture.allOf(last.completion, completion);
		this.entries.addLast(new Entry(end, both));
		return both;
	}

	/**
	 * Removes the completed prefix.
	 * @return the end LSN of its last transaction, or {@code null} when the first one has not completed
	 */
	synchronized @Nullable Lsn pollCompleted() {
		Lsn last = null;
		Entry head;
		while ((head = this.entries.peekFirst()) != null && head.completion.isDone()) {
			if (head.completion.isCompletedExceptionally()) {
				if (this.failure == null) {
					this.failure = cause(head.completion);
				}
				break;
			}
			this.entries.pollFirst();
			this.count = this.entries.size();
			last = head.end;
		}
		return last;
	}

	/** @return the failure of the first transaction that completed exceptionally, or {@code null} */
	synchronized @Nullable Throwable failure() {
		if (this.failure == null) {
			for (Entry entry : this.entries) {
				if (entry.completion.isCompletedExceptionally()) {
					this.failure = cause(entry.completion);
					break;
				}
			}
		}
		return this.failure;
	}

	private static Throwable cause(CompletableFuture<?> failed) {
		try {
			failed.join();
			throw new IllegalStateException("not failed");
		}
		catch (CompletionException ex) {
			return (ex.getCause() != null) ? ex.getCause() : ex;
		}
		catch (java.util.concurrent.CancellationException ex) {
			return ex;
		}
	}

	private record Entry(Lsn end, CompletableFuture<?> completion) {

	}

}
