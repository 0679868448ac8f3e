package dev.lode.faults.consumer;

import java.io.IOException;
import java.util.Random;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.faults.ledger.LedgerWriter;
import dev.lode.spring.annotation.OnWalChange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Records every row inserted into {@code fault_events} in the ledger, durably, before returning; so after a
 * {@code kill -9} every row whose listener call returned (and which lode may therefore have acknowledged) is
 * in the ledger. Fails on purpose on a random share of first deliveries: lode retries the change.
 */
@Component
// relay mode: lode's Kafka relay is the listener, the topic is the ledger
@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "fault.relay", havingValue = "false", matchIfMissing = true)
class FaultEventsListener {

	private final LedgerWriter ledger;

	private final double failureRate;

	private final long dropEvery;

	private final Random random;

	private final java.util.Set<Long> failedOnce = new java.util.HashSet<>();

	/** With {@code fault.async=true} the listener records on another thread and returns a stage. */
	private final java.util.concurrent.@org.jspecify.annotations.Nullable ExecutorService async;

	FaultEventsListener(LedgerWriter ledger, @Value("${fault.listener-failure-rate:0}") double failureRate,
			@Value("${fault.seed:0}") long seed, @Value("${fault.drop-every:0}") long dropEvery,
			@Value("${fault.async:false}") boolean async) {
		this.ledger = ledger;
		this.failureRate = failureRate;
		this.random = new Random(seed);
		this.dropEvery = dropEvery;
		// one thread: completions in the order of the calls, so the ledger shows the order lode called in
		this.async = async ? java.util.concurrent.Executors.newSingleThreadExecutor() : null;
	}

	@OnWalChange(table = "fault_events", kind = ChangeKind.INSERT, id = "faultEvents")
	java.util.concurrent.@org.jspecify.annotations.Nullable CompletableFuture<Void> onInsert(WalChange change)
			throws IOException {
		Object value = change.get("id");
		if (!(value instanceof Number number)) {
			throw new IllegalStateException("fault_events row without a numeric id: " + change);
		}
		long id = number.longValue();
		// the first delivery fails with the given probability; lode's retry (the same change again) succeeds
		if (failFirst(id)) {
			this.ledger.injectedFailure(id);
			if (this.async != null) {
				return java.util.concurrent.CompletableFuture.failedFuture(new TransientListenerFailure(id));
			}
			throw new TransientListenerFailure(id);
		}
		if (this.dropEvery > 0 && id % this.dropEvery == 0) {
			return null; // a deliberately broken listener: returns without recording (the audit must see the loss)
		}
		String commit = change.commitLsn().toString();
		return record(() -> this.ledger.delivered(id, commit));
	}

	@OnWalChange(table = "fault_events", kind = ChangeKind.UPDATE, id = "faultUpdates")
	java.util.concurrent.@org.jspecify.annotations.Nullable CompletableFuture<Void> onUpdate(WalChange change)
			throws IOException {
		long id = ((Number) change.get("id")).longValue();
		String commit = change.commitLsn().toString();
		return record(() -> this.ledger.updated(id, commit));
	}

	/** Records now (synchronous listener), or on the async thread and returns the stage. */
	private java.util.concurrent.@org.jspecify.annotations.Nullable CompletableFuture<Void> record(Recording recording)
			throws IOException {
		if (this.async == null) {
			recording.run();
			return null;
		}
		return java.util.concurrent.CompletableFuture.runAsync(() -> {
			try {
				recording.run();
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}, this.async);
	}

	/** A ledger write. */
	@FunctionalInterface
	private interface Recording {

		void run() throws IOException;

	}

	/** Thread-safe: with lode.listener.concurrency above 1 the listener runs on several lanes. */
	private synchronized boolean failFirst(long id) {
		return !this.failedOnce.contains(id) && this.random.nextDouble() < this.failureRate
				&& this.failedOnce.add(id);
	}

	/** The injected failure. */
	static final class TransientListenerFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		TransientListenerFailure(long id) {
			super("Injected transient failure on fault_events row " + id, null, false, false);
		}

	}

}
