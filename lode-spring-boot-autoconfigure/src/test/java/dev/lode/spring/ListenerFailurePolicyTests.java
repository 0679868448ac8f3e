package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.ListenerFailedException;
import dev.lode.spring.listener.WalListenerObserver;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.core.task.support.TaskExecutorAdapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listener failures: retry, STOP (default) and SKIP, and the guarantee under multicaster settings.
 */
@WithPostgres
class ListenerFailurePolicyTests extends LodeTestApps {

	private static final String FAST_RETRY = "lode.listener.retry.initial-interval=50ms";

	@Test
	void aTransientlyFailingListenerGetsTheChangeAgainAndItIsAcknowledged() {
		ConfigurableApplicationContext context = start(FailsTwice.class, FAST_RETRY, "lode.listener.retry.max-attempts=3");
		FailsTwice listener = context.getBean(FailsTwice.class);
		sql("insert into orders values (1, 'a', 1, 'new')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.succeeded.size() == 1);
		assertThat(listener.attempts.get()).isEqualTo(3);
		Lsn commit = listener.succeeded.changes().get(0).commitLsn();
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().isAfter(commit));
		assertThat(context.getBean(WalReplicationContainer.class).getState()).isEqualTo(ReplicationState.STREAMING);
	}

	@Test
	void whenRetriesAreExhaustedTheDefaultStopsWithoutAcknowledging() {
		ConfigurableApplicationContext context = start(AlwaysFails.class, FAST_RETRY, "lode.listener.retry.max-attempts=2");
		AlwaysFails listener = context.getBean(AlwaysFails.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		sql("insert into orders values (1, 'a', 1, 'new')");

		await().atMost(Duration.ofSeconds(20)).until(() -> container.getState() == ReplicationState.FAILED);
		assertThat(listener.attempts.get()).isEqualTo(2);
		assertThat(container.getLastError()).isInstanceOf(ListenerFailedException.class)
			.hasMessageContaining("AlwaysFails.onOrder");
		assertThat(confirmedFlushLsn()).isLessThanOrEqualTo(listener.last.get().commitLsn());
	}

	@Test
	void skipIsOptInAndAcknowledgesTheChangeThenGoesOn() {
		ConfigurableApplicationContext context = start(FailsOnId1.class, FAST_RETRY, "lode.listener.retry.max-attempts=2",
				"lode.listener.failure-action=skip");
		FailsOnId1 listener = context.getBean(FailsOnId1.class);
		sql("insert into orders values (1, 'poison', 1, 'new')");
		sql("insert into orders values (2, 'fine', 1, 'new')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.succeeded.size() == 1);
		assertThat(listener.succeeded.changes().get(0).get("id")).isEqualTo(2);
		Lsn commit = listener.succeeded.changes().get(0).commitLsn();
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().isAfter(commit));
	}

	@Test
	void skipLosesTheChangeOnlyForTheListenerThatFailed() {
		ConfigurableApplicationContext context = start(ThreeListeners.class, FAST_RETRY,
				"lode.listener.retry.max-attempts=2", "lode.listener.failure-action=skip");
		ThreeListeners listeners = context.getBean(ThreeListeners.class);
		sql("insert into orders values (1, 'poison', 1, 'new')");
		sql("insert into orders values (2, 'fine', 1, 'new')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listeners.transactions.size() == 2);
		// the listeners before and after the failing one received every change, once
		assertThat(listeners.first.ids()).containsExactly(1, 2);
		assertThat(listeners.third.ids()).containsExactly(1, 2);
		assertThat(listeners.transactions.ids()).containsExactly(1, 2);
		// the failing one was tried twice on id 1 (the redelivery went to it alone), then skipped it
		assertThat(listeners.middleAttempts.get()).isEqualTo(3);
		assertThat(listeners.middle.ids()).containsExactly(2);
		assertThat(listeners.skipped).containsExactly("ThreeListeners.middle skipped 1");
		Lsn commit = listeners.third.changes().get(1).commitLsn();
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().isAfter(commit));
	}

	@Test
	void aMulticasterWithAnErrorHandlerCannotMakeLodeAcknowledgeAFailedChange() {
		ConfigurableApplicationContext context = start(SwallowingMulticaster.class, FAST_RETRY,
				"lode.listener.retry.max-attempts=1");
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		AlwaysFails listener = context.getBean(AlwaysFails.class);
		sql("insert into orders values (1, 'a', 1, 'new')");

		await().atMost(Duration.ofSeconds(20)).until(() -> container.getState() == ReplicationState.FAILED);
		assertThat(confirmedFlushLsn()).isLessThanOrEqualTo(listener.last.get().commitLsn());
	}

	@Test
	void aMulticasterWithATaskExecutorStillRunsLodeListenersBeforeTheAcknowledgement() {
		ConfigurableApplicationContext context = start(AsyncMulticaster.class);
		SlowRecorder listener = context.getBean(SlowRecorder.class);
		sql("insert into orders values (1, 'a', 1, 'new')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.finished.size() == 1);
		assertThat(listener.threads).allSatisfy((name) -> assertThat(name).startsWith("lode-replication-"));
	}

	@Configuration(proxyBeanMethods = false)
	static class FailsTwice {

		final AtomicInteger attempts = new AtomicInteger();

		final Recorder succeeded = new Recorder();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			if (this.attempts.incrementAndGet() <= 2) {
				throw new IllegalStateException("transient failure " + this.attempts.get());
			}
			this.succeeded.add(change);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AlwaysFails {

		final AtomicInteger attempts = new AtomicInteger();

		final java.util.concurrent.atomic.AtomicReference<WalChange> last = new java.util.concurrent.atomic.AtomicReference<>();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.attempts.incrementAndGet();
			this.last.set(change);
			throw new IllegalStateException("permanent failure");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ThreeListeners implements WalListenerObserver {

		final Recorder first = new Recorder();

		final Recorder middle = new Recorder();

		final Recorder third = new Recorder();

		final Recorder transactions = new Recorder();

		final AtomicInteger middleAttempts = new AtomicInteger();

		final java.util.List<String> skipped = new java.util.concurrent.CopyOnWriteArrayList<>();

		@org.springframework.core.annotation.Order(1)
		@OnWalChange(table = "orders")
		void first(WalChange change) {
			this.first.add(change);
		}

		@org.springframework.core.annotation.Order(2)
		@OnWalChange(table = "orders")
		void middle(WalChange change) {
			this.middleAttempts.incrementAndGet();
			if (Integer.valueOf(1).equals(change.get("id"))) {
				throw new IllegalStateException("poison");
			}
			this.middle.add(change);
		}

		@org.springframework.core.annotation.Order(3)
		@OnWalChange(table = "orders")
		void third(WalChange change) {
			this.third.add(change);
		}

		@OnWalTransaction(table = "orders")
		void transaction(java.util.List<WalChange> changes) {
			changes.forEach(this.transactions::add);
		}

		@Override
		public void changeSkipped(String listenerId, WalChange change) {
			this.skipped.add(listenerId + " skipped " + change.get("id"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailsOnId1 {

		final Recorder succeeded = new Recorder();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			if (Integer.valueOf(1).equals(change.get("id"))) {
				throw new IllegalStateException("poison");
			}
			this.succeeded.add(change);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SwallowingMulticaster extends AlwaysFails {

		@Bean
		SimpleApplicationEventMulticaster applicationEventMulticaster() {
			SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster();
			multicaster.setErrorHandler((ex) -> {
				// swallows every listener failure
			});
			return multicaster;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncMulticaster {

		@Bean
		SimpleApplicationEventMulticaster applicationEventMulticaster() {
			SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster();
			multicaster.setTaskExecutor(new TaskExecutorAdapter(Executors.newSingleThreadExecutor()));
			return multicaster;
		}

		@Bean
		SlowRecorder slowRecorder() {
			return new SlowRecorder();
		}

	}

	static class SlowRecorder {

		final Recorder finished = new Recorder();

		final java.util.List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.threads.add(Thread.currentThread().getName());
			this.finished.add(change);
		}

	}

}
