package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown: finish the transaction in flight within {@code lode.shutdown.timeout}, or
 * abandon it unacknowledged.
 */
@WithPostgres
class ShutdownTests extends LodeTestApps {

	@Test
	void stoppingFinishesTheTransactionInFlightAndAcknowledgesIt() throws Exception {
		ConfigurableApplicationContext context = start(SlowListener.class, "lode.shutdown.timeout=20s");
		SlowListener listener = context.getBean(SlowListener.class);
		sql("begin; insert into orders select g, 'c', 1, 'new' from generate_series(1, 5) g; commit;");
		assertThat(listener.firstEntered.await(20, TimeUnit.SECONDS)).isTrue();

		context.close();

		assertThat(listener.received.size()).isEqualTo(5);
		Lsn commit = listener.received.changes().get(0).commitLsn();
		assertThat(confirmedFlushLsn()).isGreaterThan(commit);
		assertThat(slotActive()).isFalse();
	}

	@Test
	void aTransactionThatDoesNotFinishWithinTheTimeoutIsAbandonedUnacknowledged() throws Exception {
		ConfigurableApplicationContext context = start(BlockedListener.class, "lode.shutdown.timeout=500ms");
		BlockedListener listener = context.getBean(BlockedListener.class);
		sql("insert into orders values (1, 'stuck', 1, 'new')");
		assertThat(listener.entered.await(20, TimeUnit.SECONDS)).isTrue();
		Lsn commit = listener.change.commitLsn();

		context.close();

		assertThat(confirmedFlushLsn()).isLessThanOrEqualTo(commit);
		await().atMost(Duration.ofSeconds(10)).until(() -> !slotActive());
		ConfigurableApplicationContext again = start(RecordingOrders.class);
		RecordingOrders recording = again.getBean(RecordingOrders.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> recording.received.size() == 1);
		assertThat(recording.received.changes().get(0).get("id")).isEqualTo(1);
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowListener {

		final Recorder received = new Recorder();

		final CountDownLatch firstEntered = new CountDownLatch(1);

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) throws InterruptedException {
			this.firstEntered.countDown();
			Thread.sleep(300); // the listener's own work
			this.received.add(change);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BlockedListener {

		final CountDownLatch entered = new CountDownLatch(1);

		volatile WalChange change;

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) throws InterruptedException {
			this.change = change;
			this.entered.countDown();
			new CountDownLatch(1).await(); // never returns on its own
		}

	}

}
