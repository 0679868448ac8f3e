package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.listener.ListenerFailedException;
import dev.lode.spring.listener.WalChangeDispatcher;
import dev.lode.spring.listener.WalListenerObserver;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Dispatching to listeners: ordering, conditions, transaction-level listeners and failures, driven
 * through the dispatcher with synthetic changes (no server).
 */
class DispatcherTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LodeAutoConfiguration.class))
		.withPropertyValues("lode.url=jdbc:postgresql://127.0.0.1:1/never", "lode.auto-startup=false",
				"lode.listener.retry.max-attempts=1");

	@Test
	void listenersOfOneChangeRunInOrderOfTheirOrderAnnotationAcrossBeansAndUnorderedOnesRunLast() {
		this.runner.withUserConfiguration(Journal.class, OrderedA.class, OrderedB.class).run((context) -> {
			dispatch(context, Changes.insert("orders", "id", 1));
			assertThat(context.getBean(Journal.class).entries).containsExactly("first(-5)", "second(1)", "third(7)",
					"unordered");
		});
	}

	@Test
	void aPipelinedListenerGetsARowsNextChangeBeforeThePreviousOnesStageCompletedAndTheRowsChangesCompleteInOrder() {
		this.runner.withUserConfiguration(Pipelined.class).run((context) -> {
			WalChangeDispatcher dispatcher = context.getBean(WalChangeDispatcher.class);
			Pipelined listener = context.getBean(Pipelined.class);
			dispatcher.begin(Changes.TX);
			dispatcher.change(Changes.insert("orders", "id", 1));
			// the same row again, its first stage still open: a listener that is not pipelined would hold the thread
			dispatcher.change(Changes.update("orders", Changes.map("id", 1, "status", "paid"), Changes.map("id", 1)));
			assertThat(listener.stages).hasSize(2);
			java.util.concurrent.CompletableFuture<?> committed = dispatcher.commitAsync(Changes.TX)
				.toCompletableFuture();
			assertThat(committed).isNotDone();
			listener.stages.forEach((stage) -> stage.complete(null));
			assertThat(committed).succeedsWithin(java.time.Duration.ofSeconds(10));
		});
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class Pipelined {

		final List<java.util.concurrent.CompletableFuture<Void>> stages = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders", pipelined = true)
		java.util.concurrent.CompletableFuture<Void> relay(dev.lode.core.WalChange change) {
			java.util.concurrent.CompletableFuture<Void> stage = new java.util.concurrent.CompletableFuture<>();
			this.stages.add(stage);
			return stage;
		}

	}

	@Test
	void conditionsSeeTheChangeTheRowsTheChangedColumnsAndTheBoundParameters() {
		this.runner.withUserConfiguration(Journal.class, Conditional.class).run((context) -> {
			WalChangeDispatcher dispatcher = context.getBean(WalChangeDispatcher.class);
			dispatcher.change(Changes.insert("orders", "id", 1, "customer", "alice", "amount", new BigDecimal("5.00")));
			dispatcher.change(Changes.insert("orders", "id", 2, "customer", "bob", "amount", new BigDecimal("50.00")));
			dispatcher.change(Changes.update("orders", Changes.map("id", 1, "status", "paid"),
					Changes.map("id", 1, "status", "new")));
			dispatcher.change(Changes.update("orders", Changes.map("id", 1, "status", "paid"),
					Changes.map("id", 1, "status", "paid")));
			dispatcher.change(Changes.update("orders", Changes.map("id", 1, "status", "paid"), Changes.map("id", 1)));
			assertThat(context.getBean(Journal.class).entries).containsExactly("big:2", "bob:2", "status:1",
					"variable-status:1");
		});
	}

	@Test
	void aTransactionListenerGetsTheMatchingChangesOfItsTransactionOnceAtCommit() {
		this.runner.withUserConfiguration(Journal.class, TransactionListeners.class).run((context) -> {
			WalChangeDispatcher dispatcher = context.getBean(WalChangeDispatcher.class);
			TransactionListeners listeners = context.getBean(TransactionListeners.class);
			dispatcher.begin(Changes.TX);
			dispatcher.change(Changes.insert("orders", "id", 1));
			dispatcher.change(Changes.insert("other", "id", 9));
			dispatcher.change(Changes.delete("orders", "id", 1));
			assertThat(listeners.calls).isEmpty();
			dispatcher.commit(Changes.TX);

			assertThat(listeners.calls).hasSize(2);
			assertThat(listeners.calls.get(0)).as("orders, all kinds").extracting((c) -> c.kind() + ":" + c.table())
				.containsExactly("INSERT:orders", "DELETE:orders");
			assertThat(listeners.calls.get(1)).as("inserts of every table")
				.extracting((c) -> c.kind() + ":" + c.table())
				.containsExactly("INSERT:orders", "INSERT:other");
			assertThat(listeners.transactions).containsExactly(Changes.TX, Changes.TX);

			TransactionInfo quiet = new TransactionInfo(701, Lsn.parse("0/2000"), null);
			dispatcher.begin(quiet);
			dispatcher.change(Changes.change("other", ChangeKind.UPDATE, Map.of("id", 9), Map.of(), quiet));
			dispatcher.commit(quiet);
			assertThat(listeners.calls).as("no matching change, no call").hasSize(2);
		});
	}

	@Test
	void aChangeRedeliveredAfterAFailureReachesTheTransactionListenerOnce() {
		this.runner.withUserConfiguration(Journal.class, TransactionListeners.class, FailsOnce.class)
			.withPropertyValues("lode.listener.retry.max-attempts=2", "lode.listener.retry.initial-interval=1ms")
			.run((context) -> {
			WalChangeDispatcher dispatcher = context.getBean(WalChangeDispatcher.class);
			TransactionListeners listeners = context.getBean(TransactionListeners.class);
			WalChange change = Changes.insert("orders", "id", 1);
			dispatcher.begin(Changes.TX);
			dispatcher.change(change); // fails once, then the error handler's redelivery succeeds
			dispatcher.commit(Changes.TX);
			assertThat(context.getBean(FailsOnce.class).calls).hasValue(2);
			assertThat(listeners.calls.get(0)).containsExactly(change);
		});
	}

	@Test
	void aTransactionAbandonedMidwayDoesNotLeakIntoTheNextOne() {
		this.runner.withUserConfiguration(Journal.class, TransactionListeners.class).run((context) -> {
			WalChangeDispatcher dispatcher = context.getBean(WalChangeDispatcher.class);
			TransactionListeners listeners = context.getBean(TransactionListeners.class);
			dispatcher.begin(Changes.TX);
			dispatcher.change(Changes.insert("orders", "id", 1));
			// the connection was lost; the same transaction is streamed again from its start
			dispatcher.begin(Changes.TX);
			dispatcher.change(Changes.insert("orders", "id", 1));
			dispatcher.commit(Changes.TX);
			assertThat(listeners.calls.get(0)).hasSize(1);
		});
	}

	@Test
	void whenATransactionListenerThrowsTheCommitFailsNamingTheListener() {
		this.runner.withUserConfiguration(Journal.class, FailingTransactionListener.class).run((context) -> {
			WalChangeDispatcher dispatcher = context.getBean(WalChangeDispatcher.class);
			dispatcher.begin(Changes.TX);
			dispatcher.change(Changes.insert("orders", "id", 1));
			assertThatExceptionOfType(ListenerFailedException.class).isThrownBy(() -> dispatcher.commit(Changes.TX))
				.withMessageContaining("Listener 'FailingTransactionListener.onOrders' failed on transaction 700")
				.withMessageContaining("commit 0/1000")
				.withRootCauseInstanceOf(IllegalStateException.class);
		});
	}

	@Test
	void aConditionThatCannotBeEvaluatedFailsTheChangeNamingTheListener() {
		this.runner.withUserConfiguration(Journal.class, BrokenCondition.class).run((context) -> {
			WalChangeDispatcher dispatcher = context.getBean(WalChangeDispatcher.class);
			assertThatExceptionOfType(ListenerFailedException.class)
				.isThrownBy(() -> dispatcher.change(Changes.insert("orders", "id", 1)))
				.withMessageContaining("'broken'");
		});
	}

	@Test
	void listenerObserverBeansSeeEveryDispatchedChangeAndEveryListenerCall() {
		this.runner.withUserConfiguration(Journal.class, OrderedA.class, RecordingObserver.class).run((context) -> {
			WalChangeDispatcher dispatcher = context.getBean(WalChangeDispatcher.class);
			dispatcher.begin(Changes.TX);
			dispatcher.change(Changes.insert("orders", "id", 1));
			dispatcher.commit(Changes.TX);
			assertThat(context.getBean(RecordingObserver.class).events).containsExactly("tx:700",
					"listener:OrderedA.first:true", "listener:third:true", "change:orders");
		});
	}

	@Test
	void aSingletonListenerBeanIsLookedUpOnceAPrototypeOnEveryCall() {
		this.runner.withUserConfiguration(Journal.class, ScopedListeners.class).run((context) -> {
			for (int i = 1; i <= 3; i++) {
				dispatch(context, Changes.insert("orders", "id", i));
			}
			List<String> entries = context.getBean(Journal.class).entries;
			assertThat(entries.stream().filter((e) -> e.startsWith("singleton@")).distinct()).hasSize(1);
			assertThat(entries.stream().filter((e) -> e.startsWith("prototype@")).distinct()).hasSize(3);
		});
	}

	private static void dispatch(AssertableApplicationContext context, WalChange change) throws Exception {
		context.getBean(WalChangeDispatcher.class).change(change);
	}

	@Configuration(proxyBeanMethods = false)
	static class ScopedListeners {

		@org.springframework.context.annotation.Bean
		SingletonListener singletonListener(Journal journal) {
			return new SingletonListener(journal);
		}

		@org.springframework.context.annotation.Bean
		@org.springframework.context.annotation.Scope("prototype")
		PrototypeListener prototypeListener(Journal journal) {
			return new PrototypeListener(journal);
		}

	}

	static class SingletonListener {

		private final Journal journal;

		SingletonListener(Journal journal) {
			this.journal = journal;
		}

		@OnWalChange(table = "orders")
		void onChange(WalChange change) {
			this.journal.entries.add("singleton@" + System.identityHashCode(this));
		}

	}

	static class PrototypeListener {

		private final Journal journal;

		PrototypeListener(Journal journal) {
			this.journal = journal;
		}

		@OnWalChange(table = "orders")
		void onChange(WalChange change) {
			this.journal.entries.add("prototype@" + System.identityHashCode(this));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Journal {

		final List<String> entries = new CopyOnWriteArrayList<>();

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedA {

		private final Journal journal;

		OrderedA(Journal journal) {
			this.journal = journal;
		}

		@Order(-5)
		@OnWalChange(table = "orders")
		void first() {
			this.journal.entries.add("first(-5)");
		}

		@Order(7)
		@OnWalChange(table = "orders", id = "third")
		void third() {
			this.journal.entries.add("third(7)");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedB {

		private final Journal journal;

		OrderedB(Journal journal) {
			this.journal = journal;
		}

		@OnWalChange(table = "orders")
		void unordered() {
			this.journal.entries.add("unordered");
		}

		@Order(1)
		@OnWalChange(table = "orders")
		void second() {
			this.journal.entries.add("second(1)");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Conditional {

		private final Journal journal;

		Conditional(Journal journal) {
			this.journal = journal;
		}

		@Order(1)
		@OnWalChange(table = "orders", kind = ChangeKind.INSERT, condition = "#row['amount'] > 10")
		void big(WalChange change) {
			this.journal.entries.add("big:" + change.get("id"));
		}

		@Order(2)
		@OnWalChange(table = "orders", kind = ChangeKind.INSERT, condition = "#values['customer'] == 'bob'")
		void byParameterName(Map<String, Object> values) {
			this.journal.entries.add("bob:" + values.get("id"));
		}

		@Order(1)
		@OnWalChange(table = "orders", kind = ChangeKind.UPDATE, condition = "changed('status') and !changed('id')")
		void status(WalChange change) {
			this.journal.entries.add("status:" + change.get("id"));
		}

		@Order(2)
		@OnWalChange(table = "orders", condition = "#change.kind().name() == 'UPDATE'"
				+ " and #root.changedColumns().contains('status') and #old.status == 'new'")
		void variableStatus(WalChange change) {
			this.journal.entries.add("variable-status:" + change.get("id"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionListeners {

		final List<List<WalChange>> calls = new CopyOnWriteArrayList<>();

		final List<TransactionInfo> transactions = new CopyOnWriteArrayList<>();

		@Order(1)
		@OnWalTransaction(table = "orders")
		void onOrders(List<WalChange> changes, TransactionInfo transaction) {
			this.calls.add(List.copyOf(changes));
			this.transactions.add(transaction);
		}

		@Order(2)
		@OnWalTransaction(kind = ChangeKind.INSERT, condition = "#change.table() != 'audit'")
		void onInserts(TransactionInfo transaction, List<WalChange> changes) {
			this.calls.add(List.copyOf(changes));
			this.transactions.add(transaction);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailsOnce {

		private final AtomicInteger calls = new AtomicInteger();

		@OnWalChange(id = "fails-once")
		void onChange() {
			if (this.calls.incrementAndGet() == 1) {
				throw new IllegalStateException("first time");
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingTransactionListener {

		@OnWalTransaction
		void onOrders(List<WalChange> changes) {
			throw new IllegalStateException("no");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BrokenCondition {

		@OnWalChange(id = "broken", condition = "#row['id'].noSuchMethod()")
		void onChange() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingObserver implements WalListenerObserver {

		final List<String> events = new CopyOnWriteArrayList<>();

		@Override
		public void transactionStarted(TransactionInfo transaction) {
			this.events.add("tx:" + transaction.xid());
		}

		@Override
		public void changeDispatched(WalChange change) {
			this.events.add("change:" + change.table());
		}

		@Override
		public void listenerCompleted(String listenerId, long durationNanos, boolean success) {
			assertThat(durationNanos).isNotNegative();
			this.events.add("listener:" + listenerId + ":" + success);
		}

	}

}
