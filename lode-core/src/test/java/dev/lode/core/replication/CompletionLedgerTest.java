package dev.lode.core.replication;

import java.util.concurrent.CompletableFuture;

import dev.lode.core.Lsn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acknowledgeable position is the end of the longest prefix of completed transactions, in commit order.
 */
class CompletionLedgerTest {

	private final CompletionLedger ledger = new CompletionLedger();

	@Test
	void aTransactionThatCompletedEarlyWaitsBehindAnEarlierOne() {
		CompletableFuture<Void> first = new CompletableFuture<>();
		CompletableFuture<Void> second = new CompletableFuture<>();
		CompletableFuture<Void> third = new CompletableFuture<>();
		this.ledger.add(Lsn.parse("0/100"), first);
		this.ledger.add(Lsn.parse("0/200"), second);
		this.ledger.add(Lsn.parse("0/300"), third);

		second.complete(null);
		third.complete(null);
		assertThat(this.ledger.pollCompleted()).as("the first is still running").isNull();
		assertThat(this.ledger.isEmpty()).isFalse();

		first.complete(null);
		assertThat(this.ledger.pollCompleted()).isEqualTo(Lsn.parse("0/300"));
		assertThat(this.ledger.isEmpty()).isTrue();
		assertThat(this.ledger.failure()).isNull();
	}

	@Test
	void nothingFromAFailedTransactionOnIsAcknowledged() {
		CompletableFuture<Void> first = new CompletableFuture<>();
		CompletableFuture<Void> failed = new CompletableFuture<>();
		CompletableFuture<Void> later = CompletableFuture.completedFuture(null);
		this.ledger.add(Lsn.parse("0/100"), first);
		this.ledger.add(Lsn.parse("0/200"), failed);
		this.ledger.add(Lsn.parse("0/300"), later);

		failed.completeExceptionally(new IllegalStateException("listener gave up"));
		assertThat(this.ledger.failure()).as("seen before the first completes").hasMessage("listener gave up");
		first.complete(null);
		assertThat(this.ledger.pollCompleted()).isEqualTo(Lsn.parse("0/100"));
		assertThat(this.ledger.pollCompleted()).isNull();
		assertThat(this.ledger.size()).isEqualTo(2);
	}

	@Test
	void anEmptyTransactionIsAcknowledgedWithTheOneBeforeItAndNotBeforeItsOwnWorkCompleted() {
		CompletableFuture<Void> first = new CompletableFuture<>();
		CompletableFuture<Void> empty = new CompletableFuture<>();
		this.ledger.add(Lsn.parse("0/100"), first);
		this.ledger.addToLast(Lsn.parse("0/180"), empty);
		assertThat(this.ledger.size()).as("counted with the one before it").isEqualTo(1);

		first.complete(null);
		assertThat(this.ledger.pollCompleted()).as("the empty one's own stage is not complete").isNull();
		empty.complete(null);
		assertThat(this.ledger.pollCompleted()).isEqualTo(Lsn.parse("0/180"));
		assertThat(this.ledger.isEmpty()).isTrue();
	}

	@Test
	void anEmptyTransactionAfterAFailedOneIsNeverAcknowledged() {
		CompletableFuture<Void> failed = new CompletableFuture<>();
		this.ledger.add(Lsn.parse("0/100"), failed);
		this.ledger.addToLast(Lsn.parse("0/180"), CompletableFuture.completedFuture(null));
		failed.completeExceptionally(new IllegalStateException("listener failed"));
		assertThat(this.ledger.pollCompleted()).isNull();
		assertThat(this.ledger.failure()).hasMessage("listener failed");
	}

}
