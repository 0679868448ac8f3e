package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.WalChangeDispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listeners on several lanes ({@code lode.listener.concurrency}): each row's changes in commit order, the
 * acknowledgement never past a change whose listener has not completed, bounded work in flight, draining on
 * shutdown.
 */
@WithPostgres
class ParallelDispatchTests extends LodeTestApps {

	@Test
	void eachRowsChangesArriveInCommitOrderUnderConcurrency8WithKeyChangesAndAMirrorConverges() {
		ConfigurableApplicationContext context = start(Mirror.class, "lode.listener.concurrency=8");
		Mirror mirror = context.getBean(Mirror.class);
		Random random = new Random(42);
		List<Integer> live = new ArrayList<>();
		int nextId = 1;
		int statements = 0;
		for (int tx = 0; tx < 150; tx++) {
			List<String> sql = new ArrayList<>();
			sql.add("begin");
			for (int i = 0; i < 1 + random.nextInt(4); i++) {
				int choice = random.nextInt(10);
				if (live.isEmpty() || choice < 4) {
					live.add(nextId);
					sql.add("insert into orders values (" + nextId++ + ", 'c', 1, 's0')");
				}
				else if (choice < 8) {
					int id = live.get(random.nextInt(live.size()));
					sql.add("update orders set amount = amount + 1, status = 's" + (++statements) + "' where id = " + id);
				}
				else if (choice < 9) {
					int index = random.nextInt(live.size());
					int id = live.get(index);
					live.set(index, nextId);
					sql.add("update orders set id = " + nextId++ + " where id = " + id);
				}
				else {
					int id = live.remove(random.nextInt(live.size()));
					sql.add("delete from orders where id = " + id);
				}
			}
			sql.add("commit");
			sql(String.join(";", sql));
		}
		sql("update orders set status = 'done'");
		int rows = Integer.parseInt(this.pg.queryForString(this.db, "select count(*) from orders"));

		await().atMost(Duration.ofSeconds(60)).until(() -> mirror.rows.size() == rows
				&& mirror.rows.values().stream().allMatch("done"::equals));
		Map<Integer, String> table = new HashMap<>();
		for (String row : this.pg.queryForString(this.db, "select string_agg(id || '=' || status, ',') from orders")
			.split(",")) {
			String[] parts = row.split("=");
			table.put(Integer.valueOf(parts[0]), parts[1]);
		}
		assertThat(mirror.rows).isEqualTo(table);
		assertThat(mirror.outOfOrder).as("changes of one key that arrived before an earlier one").isEmpty();
		assertThat(mirror.maxConcurrent.get()).as("listeners ran concurrently").isGreaterThan(1);
	}

	@Test
	void aSlowLaneHoldsTheAcknowledgementBackWhileOtherLanesGoOn() throws Exception {
		ConfigurableApplicationContext context = start(BlockOnFirst.class, "lode.listener.concurrency=4");
		BlockOnFirst listener = context.getBean(BlockOnFirst.class);
		sql("insert into orders values (1, 'slow', 1, 'new')");
		assertThat(listener.entered.await(20, TimeUnit.SECONDS)).isTrue();
		Lsn slow = listener.slow;
		for (int i = 2; i <= 30; i++) {
			sql("insert into orders values (" + i + ", 'fast', 1, 'new')");
		}
		// the rows on the other three lanes complete (those behind row 1 on its lane wait)
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.completed.get() >= 10);

		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.until(() -> confirmedFlushLsn().compareTo(slow) <= 0);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		assertThat(container.getTransactionsInFlight()).isEqualTo(30);
		assertThat(listener.completed.get()).isLessThan(29);

		listener.release.countDown();
		Lsn last = Lsn.parse(this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text"));
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().compareTo(last) >= 0);
		assertThat(listener.completed.get()).isEqualTo(29);
		assertThat(container.getTransactionsInFlight()).isZero();
	}

	@Test
	void anAsynchronousListenerWhoseStageIsIncompleteHoldsTheAcknowledgement() {
		ConfigurableApplicationContext context = start(AsyncOrders.class);
		AsyncOrders listener = context.getBean(AsyncOrders.class);
		sql("insert into orders values (1, 'async', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.stages.size() == 1);
		Lsn commit = listener.changes.get(0).commitLsn();
		sql("insert into orders values (2, 'async', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.stages.size() == 2);
		listener.stages.get(1).complete(null); // the later one completes first: still held by the first

		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.until(() -> confirmedFlushLsn().compareTo(commit) <= 0);
		listener.stages.get(0).complete(null);
		Lsn second = listener.changes.get(1).commitLsn();
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().isAfter(second));
	}

	@Test
	void aStageThatFailsIsRetriedThenStopsTheStreamWithoutAcknowledging() {
		ConfigurableApplicationContext context = start(FailingAsync.class, "lode.listener.concurrency=4",
				"lode.listener.retry.max-attempts=3", "lode.listener.retry.initial-interval=10ms");
		FailingAsync listener = context.getBean(FailingAsync.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		sql("insert into orders values (7, 'fails', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> container.getState() == ReplicationState.FAILED);
		assertThat(listener.attempts).hasValue(3);
		assertThat(confirmedFlushLsn()).isLessThanOrEqualTo(listener.commit);
		assertThat(container.getLastError()).hasMessageContaining("FailingAsync.onOrder");
	}

	@Test
	void aStageThatFailsOnceIsRetriedAndTheChangeIsAcknowledged() {
		ConfigurableApplicationContext context = start(FailingAsync.class, "lode.listener.retry.initial-interval=10ms");
		FailingAsync listener = context.getBean(FailingAsync.class);
		listener.failures.set(1);
		sql("insert into orders values (7, 'fails once', 1, 'new')");
		sql("update orders set status = 'paid' where id = 7");
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.attempts.get() == 3);
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().isAfter(listener.commit));
		assertThat(listener.calls).as("the row's next change waits for the retry of the failed one")
			.containsExactly("INSERT", "INSERT", "UPDATE");
		assertThat(context.getBean(WalReplicationContainer.class).getState()).isEqualTo(ReplicationState.STREAMING);
	}

	@Test
	void aListenerThatNeverCompletesFillsAtMostMaxInFlightAndTheStreamStaysConnected() {
		this.pg.setParameter("wal_sender_timeout", "2s");
		try {
			ConfigurableApplicationContext context = start(AsyncOrders.class, "lode.listener.concurrency=4",
					"lode.listener.max-in-flight=10", "lode.status-interval=30s");
			AsyncOrders listener = context.getBean(AsyncOrders.class);
			WalChangeDispatcher dispatcher = context.getBean(WalChangeDispatcher.class);
			WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
			for (int i = 1; i <= 100; i++) {
				sql("insert into orders values (" + i + ", 'never', 1, 'new')");
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> listener.stages.size() == 10);
			await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
				.until(() -> listener.stages.size() == 10 && dispatcher.getInFlightChanges() <= 10);
			assertThat(container.getState()).isEqualTo(ReplicationState.STREAMING);
			assertThat(container.getReconnectCount()).as("status updates kept the walsender").isZero();

			listener.completeAll = true;
			listener.stages.forEach((stage) -> stage.complete(null));
			await().atMost(Duration.ofSeconds(30)).until(() -> listener.stages.size() == 100);
			Lsn last = listener.changes.get(listener.changes.size() - 1).commitLsn();
			// lode confirms what its record of the stream vouches for, written at most once per status interval (30 s)
			await().atMost(Duration.ofSeconds(60)).until(() -> confirmedFlushLsn().isAfter(last));
		}
		finally {
			this.pg.resetParameter("wal_sender_timeout");
		}
	}

	@Test
	void stoppingDrainsTheChangesInFlightAndAcknowledgesThem() {
		ConfigurableApplicationContext context = start(SlowOrders.class, "lode.listener.concurrency=4",
				"lode.shutdown.timeout=20s");
		SlowOrders listener = context.getBean(SlowOrders.class);
		for (int i = 1; i <= 20; i++) {
			sql("insert into orders values (" + i + ", 'slow', 1, 'new')");
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.started.get() >= 4);
		context.getBean(WalReplicationContainer.class).stop();
		assertThat(listener.completed.get()).as("every change handed to a lane finished before the stop returned")
			.isEqualTo(listener.started.get());
		assertThat(confirmedFlushLsn()).isGreaterThanOrEqualTo(listener.lastCommit);
	}

	@Test
	void aTransactionListenerRunsAfterAllChangesOfItsTransactionCompletedOnTheLanesInCommitOrder() {
		ConfigurableApplicationContext context = start(TransactionOrder.class, "lode.listener.concurrency=8");
		TransactionOrder listener = context.getBean(TransactionOrder.class);
		for (int tx = 0; tx < 20; tx++) {
			StringBuilder sql = new StringBuilder("begin;");
			for (int i = 0; i < 5; i++) {
				sql.append("insert into orders values (").append(tx * 10 + i).append(", 'x', 1, 'new');");
			}
			sql(sql.append("commit").toString());
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> listener.transactions.size() == 20);
		assertThat(listener.problems).isEmpty();
		List<Lsn> commits = listener.transactions;
		assertThat(commits).isSorted();
	}

	@Configuration(proxyBeanMethods = false)
	static class Mirror {

		final Map<Integer, String> rows = new ConcurrentHashMap<>();

		final Map<Integer, long[]> lastSeen = new ConcurrentHashMap<>();

		final List<String> outOfOrder = Collections.synchronizedList(new ArrayList<>());

		final AtomicInteger running = new AtomicInteger();

		final AtomicInteger maxConcurrent = new AtomicInteger();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) throws InterruptedException {
			int now = this.running.incrementAndGet();
			this.maxConcurrent.accumulateAndGet(now, Math::max);
			try {
				Thread.sleep(0, 200_000);
				long[] position = { change.commitLsn().value(), change.lsn().value() };
				if (change.kind() == ChangeKind.DELETE) {
					int id = (Integer) change.oldValues().get("id");
					check(id, position);
					this.rows.remove(id);
				}
				else {
					int id = (Integer) change.get("id");
					if (change.kind() == ChangeKind.UPDATE && !change.oldKey().isEmpty()) {
						int old = (Integer) change.oldValues().get("id");
						check(old, position);
						this.rows.remove(old);
					}
					check(id, position);
					this.rows.put(id, (String) change.get("status"));
				}
			}
			finally {
				this.running.decrementAndGet();
			}
		}

		private void check(int id, long[] position) {
			this.lastSeen.merge(id, position, (before, now) -> {
				int order = (before[0] != now[0]) ? Long.compareUnsigned(before[0], now[0])
						: Long.compareUnsigned(before[1], now[1]);
				if (order > 0) {
					this.outOfOrder.add("id " + id);
				}
				return now;
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BlockOnFirst {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger completed = new AtomicInteger();

		volatile Lsn slow = Lsn.INVALID;

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) throws InterruptedException {
			if (Integer.valueOf(1).equals(change.get("id"))) {
				this.slow = change.commitLsn();
				this.entered.countDown();
				this.release.await();
			}
			else {
				this.completed.incrementAndGet();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncOrders {

		final List<java.util.concurrent.CompletableFuture<Void>> stages = new java.util.concurrent.CopyOnWriteArrayList<>();

		final List<WalChange> changes = new java.util.concurrent.CopyOnWriteArrayList<>();

		volatile boolean completeAll;

		@OnWalChange(table = "orders")
		java.util.concurrent.CompletableFuture<Void> onOrder(WalChange change) {
			java.util.concurrent.CompletableFuture<Void> stage = new java.util.concurrent.CompletableFuture<>();
			this.changes.add(change);
			this.stages.add(stage);
			if (this.completeAll) {
				stage.complete(null);
			}
			return stage;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingAsync {

		final AtomicInteger attempts = new AtomicInteger();

		final AtomicInteger failures = new AtomicInteger(Integer.MAX_VALUE);

		volatile Lsn commit = Lsn.INVALID;

		final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		java.util.concurrent.CompletionStage<String> onOrder(WalChange change) {
			this.commit = change.commitLsn();
			this.calls.add(change.kind().name());
			this.attempts.incrementAndGet();
			if (this.failures.getAndDecrement() > 0) {
				return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
					throw new IllegalStateException("broker said no");
				});
			}
			return java.util.concurrent.CompletableFuture.supplyAsync(() -> "sent");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SlowOrders {

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger completed = new AtomicInteger();

		volatile Lsn lastCommit = Lsn.INVALID;

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) throws InterruptedException {
			this.started.incrementAndGet();
			Thread.sleep(300);
			synchronized (this) {
				if (change.commitLsn().isAfter(this.lastCommit)) {
					this.lastCommit = change.commitLsn();
				}
			}
			this.completed.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionOrder {

		final Map<Lsn, AtomicInteger> done = new ConcurrentHashMap<>();

		final List<Lsn> transactions = new java.util.concurrent.CopyOnWriteArrayList<>();

		final List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) throws InterruptedException {
			Thread.sleep(new Random().nextInt(3));
			this.done.computeIfAbsent(change.commitLsn(), (lsn) -> new AtomicInteger()).incrementAndGet();
		}

		@OnWalTransaction(table = "orders")
		void onTransaction(List<WalChange> changes) {
			Lsn commit = changes.get(0).commitLsn();
			int completed = this.done.getOrDefault(commit, new AtomicInteger()).get();
			if (completed != changes.size()) {
				this.problems.add(commit + ": " + completed + " of " + changes.size() + " changes completed");
			}
			List<Object> ids = changes.stream().map((c) -> c.get("id")).toList();
			if (!ids.equals(ids.stream().sorted().toList())) {
				this.problems.add(commit + ": collected out of order " + ids);
			}
			this.transactions.add(commit);
		}

	}

}
