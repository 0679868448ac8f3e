package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link OnWalTransaction} listeners get all matching changes of a transaction at its commit, and the
 * transaction is acknowledged only after they returned.
 */
@WithPostgres
class TransactionListenerTests extends LodeTestApps {

	@Test
	void aTransactionListenerIsCalledOnceWithTheMatchingChangesInCommitOrderAfterThePerChangeListeners() {
		ConfigurableApplicationContext context = start(Collecting.class);
		Collecting listener = context.getBean(Collecting.class);

		sql("begin; insert into orders values (1, 'a', 1, 'new'); insert into other values (1, 'x');"
				+ " insert into orders values (2, 'b', 1, 'new'); update orders set status = 'paid' where id = 1;"
				+ " commit;");
		sql("insert into other values (2, 'only other')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.perChange.size() == 5);
		assertThat(listener.calls).singleElement().satisfies((changes) -> assertThat(changes)
			.extracting((c) -> c.kind() + ":" + c.values().get("id"))
			.containsExactly("INSERT:1", "INSERT:2", "UPDATE:1"));
		assertThat(listener.transactions).singleElement()
			.isEqualTo(listener.calls.get(0).get(0).transaction());
		assertThat(listener.journal).as("per-change listeners first, then the transaction listener; none for a"
				+ " transaction without matching changes")
			.containsExactly("change", "change", "change", "change", "transaction", "change");
	}

	@Test
	void whileATransactionListenerBlocksItsTransactionIsNotAcknowledgedAndAfterItReturnsItIs() throws Exception {
		ConfigurableApplicationContext context = start(Blocking.class);
		Blocking listener = context.getBean(Blocking.class);

		sql("begin; insert into orders values (1, 'a', 1, 'new'); insert into orders values (2, 'b', 1, 'new');"
				+ " commit;");
		assertThat(listener.entered.await(20, TimeUnit.SECONDS)).isTrue();
		Lsn commit = listener.transaction.get(0).commitLsn();

		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.until(() -> confirmedFlushLsn().compareTo(commit) <= 0);

		listener.release.countDown();
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().isAfter(commit));
	}

	@Test
	void whenATransactionListenerThrowsNothingOfTheTransactionIsAcknowledged() {
		ConfigurableApplicationContext context = start(Failing.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		Failing listener = context.getBean(Failing.class);

		sql("insert into orders values (1, 'a', 1, 'new')");

		await().atMost(Duration.ofSeconds(20)).until(() -> container.getState() == ReplicationState.FAILED);
		assertThat(confirmedFlushLsn()).isLessThanOrEqualTo(listener.failedOn.get(0).commitLsn());
		assertThat(container.getLastError()).hasMessageContaining("Listener 'orders-batch' failed on transaction");
	}

	@Test
	void aChangeRetriedAfterAListenerFailureReachesTheTransactionListenerOnce() {
		ConfigurableApplicationContext context = start(RetriedOnce.class, "lode.listener.retry.initial-interval=50ms",
				"lode.listener.retry.max-attempts=2");
		RetriedOnce listener = context.getBean(RetriedOnce.class);

		sql("begin; insert into orders values (1, 'a', 1, 'new'); insert into orders values (2, 'b', 1, 'new');"
				+ " commit;");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.calls.size() == 1);
		assertThat(listener.attempts).hasValue(3); // change 1 failed once and was redelivered, then change 2
		assertThat(listener.calls.get(0)).extracting((c) -> c.values().get("id")).containsExactly(1, 2);
	}

	@Configuration(proxyBeanMethods = false)
	static class RetriedOnce {

		final AtomicInteger attempts = new AtomicInteger();

		final List<List<WalChange>> calls = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		void onChange() {
			if (this.attempts.incrementAndGet() == 1) {
				throw new IllegalStateException("first attempt");
			}
		}

		@OnWalTransaction(table = "orders")
		void onOrders(List<WalChange> changes) {
			this.calls.add(List.copyOf(changes));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Collecting {

		final List<List<WalChange>> calls = new CopyOnWriteArrayList<>();

		final List<TransactionInfo> transactions = new CopyOnWriteArrayList<>();

		final List<WalChange> perChange = new CopyOnWriteArrayList<>();

		final List<String> journal = new CopyOnWriteArrayList<>();

		@OnWalTransaction(table = "orders")
		void onOrders(TransactionInfo transaction, List<WalChange> changes) {
			this.calls.add(List.copyOf(changes));
			this.transactions.add(transaction);
			this.journal.add("transaction");
		}

		@OnWalChange(table = { "orders", "other" })
		void onChange(WalChange change) {
			this.journal.add("change");
			this.perChange.add(change);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Blocking {

		final List<TransactionInfo> transaction = new CopyOnWriteArrayList<>();

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@OnWalTransaction(table = "orders", kind = ChangeKind.INSERT)
		void onOrders(List<WalChange> changes, TransactionInfo transaction) throws InterruptedException {
			assertThat(changes).hasSize(2);
			this.transaction.add(transaction);
			this.entered.countDown();
			this.release.await();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Failing {

		final List<WalChange> failedOn = new CopyOnWriteArrayList<>();

		@OnWalTransaction(table = "orders", id = "orders-batch")
		void onOrders(List<WalChange> changes) {
			this.failedOn.addAll(changes);
			throw new IllegalStateException("batch failed");
		}

	}

}
