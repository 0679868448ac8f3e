package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The acknowledgement guarantee: a transaction's commit is flushed to PostgreSQL only after every
 * listener of every change of the transaction returned.
 */
@WithPostgres
class AcknowledgementTests extends LodeTestApps {

	@Test
	void whileListenerBlocksTheCommitIsNotAcknowledgedAndAfterItReturnsItIs() throws Exception {
		ConfigurableApplicationContext context = start(BlockingListener.class);
		BlockingListener listener = context.getBean(BlockingListener.class);
		listener.blockOn.set(2);

		sql("insert into orders values (1, 'alice', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.size() == 1);
		sql("insert into orders values (2, 'bob', 2, 'new')");
		assertThat(listener.entered.await(20, TimeUnit.SECONDS)).isTrue();
		Lsn commit = listener.received.changes().get(1).commitLsn();

		// status updates keep flowing while the listener blocks, but never beyond acknowledged work
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.until(() -> confirmedFlushLsn().compareTo(commit) <= 0);

		listener.release.countDown();
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().isAfter(commit));
	}

	@Test
	void aTransactionOfSeveralChangesIsAcknowledgedOnlyAfterItsLastChange() throws Exception {
		ConfigurableApplicationContext context = start(BlockingListener.class);
		BlockingListener listener = context.getBean(BlockingListener.class);
		sql("insert into orders values (1, 'warm-up', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.size() == 1);
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().isAfter(listener.received.changes().get(0).commitLsn()));
		Lsn before = confirmedFlushLsn();
		listener.blockOn.set(4); // the third change of the next transaction

		sql("begin; insert into orders values (2, 'a', 1, 'new'); insert into orders values (3, 'b', 1, 'new');"
				+ " insert into orders values (4, 'c', 1, 'new'); commit;");
		assertThat(listener.entered.await(20, TimeUnit.SECONDS)).isTrue();
		Lsn commit = listener.received.changes().get(3).commitLsn();
		assertThat(listener.received.changes()).hasSize(4)
			.allSatisfy((c) -> assertThat(c.kind()).isEqualTo(ChangeKind.INSERT));

		// two of three changes are done: nothing of the transaction may be acknowledged yet
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.until(() -> confirmedFlushLsn().compareTo(commit) <= 0);
		assertThat(confirmedFlushLsn()).isLessThanOrEqualTo(commit).isGreaterThanOrEqualTo(before);

		listener.release.countDown();
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().isAfter(commit));
	}

	@Test
	void whenListenerThrowsThenChangeIsNotAcknowledgedAndIsDeliveredAgainAfterRestart() {
		ConfigurableApplicationContext first = start(FailingListener.class);
		FailingListener failing = first.getBean(FailingListener.class);
		WalReplicationContainer container = first.getBean(WalReplicationContainer.class);

		sql("insert into orders values (42, 'carol', 3, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> container.getState() == ReplicationState.FAILED);
		Lsn commit = failing.failedOn.get().commitLsn();
		assertThat(confirmedFlushLsn()).isLessThanOrEqualTo(commit);
		LodeHealthIndicator health = first.getBean(LodeHealthIndicator.class);
		assertThat(BootLine.status(health)).isEqualTo("DOWN");
		assertThat(BootLine.details(health)).containsEntry("state", "FAILED");
		assertThat((String) BootLine.details(health).get("error")).contains("FailingListener.onOrder")
			.contains("boom")
			.doesNotContain(this.pg.password() + "@")
			.doesNotContain("password=" + this.pg.password());
		first.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> !slotActive());

		ConfigurableApplicationContext second = start(RecordingOrders.class);
		RecordingOrders recording = second.getBean(RecordingOrders.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> recording.received.size() >= 1);
		assertThat(recording.received.changes().get(0).values()).containsEntry("id", 42);
		assertThat(recording.received.changes().get(0).commitLsn()).isEqualTo(commit);
		assertThat(BootLine.status(second.getBean(LodeHealthIndicator.class))).isEqualTo("UP");
	}

	@Test
	void changesCommittedWhileTheApplicationIsStoppedAreAllDeliveredAfterItStarts() {
		ConfigurableApplicationContext first = start(RecordingOrders.class);
		sql("insert into orders values (1, 'before', 1, 'new')");
		RecordingOrders before = first.getBean(RecordingOrders.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> before.received.size() == 1);
		first.close();

		for (int i = 2; i <= 6; i++) {
			sql("insert into orders values (" + i + ", 'while stopped', 1, 'new')");
		}
		sql("update orders set status = 'paid' where id = 3");

		ConfigurableApplicationContext second = start(RecordingOrders.class);
		RecordingOrders after = second.getBean(RecordingOrders.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> after.received.size() >= 6);
		assertThat(after.received.changes()).extracting((c) -> c.kind() + ":" + c.values().get("id"))
			.endsWith("INSERT:2", "INSERT:3", "INSERT:4", "INSERT:5", "INSERT:6", "UPDATE:3");
	}

	@Test
	void closingTheContextStopsStreamingAndLeavesTheSlotInactive() {
		ConfigurableApplicationContext context = start(RecordingOrders.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		assertThat(container.isRunning()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(this::slotActive);

		long started = System.nanoTime();
		context.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> !slotActive());
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		assertThat(container.isRunning()).isFalse();
		assertThat(container.getState()).isEqualTo(ReplicationState.STOPPED);
	}

	@Configuration(proxyBeanMethods = false)
	static class BlockingListener {

		final Recorder received = new Recorder();

		final AtomicInteger blockOn = new AtomicInteger(-1);

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) throws InterruptedException {
			this.received.add(change);
			if (this.received.size() == this.blockOn.get()) {
				this.entered.countDown();
				this.release.await();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListener {

		final AtomicReference<WalChange> failedOn = new AtomicReference<>();

		@OnWalChange(table = "orders", kind = ChangeKind.INSERT)
		void onOrder(WalChange change) {
			this.failedOn.set(change);
			throw new IllegalStateException("boom");
		}

	}

}
