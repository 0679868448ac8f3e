package dev.lode.spring;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.boot.autoconfigure.sync.LodeSync;
import dev.lode.spring.boot.autoconfigure.sync.LodeSyncAutoConfiguration;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link LodeSync}: returns once every transaction committed before the call reached its listeners,
 * quickly on an idle server too, and fails with a message that says what is pending.
 */
@WithPostgres
class LodeSyncTests extends LodeTestApps {

	@Test
	void returnsOnceTheListenersReceivedEverythingCommittedBefore() {
		// a long status interval: the wait must not depend on it
		ConfigurableApplicationContext context = start(Listener.class, "lode.status-interval=10s");
		Listener listener = context.getBean(Listener.class);
		LodeSync sync = context.getBean(LodeSync.class);
		for (int i = 1; i <= 3; i++) {
			sql("insert into orders values (" + i + ", 'alice', 1, 'new')");
			sync.awaitProcessed(Duration.ofSeconds(20));
			assertThat(listener.received.ids()).hasSize(i).last().isEqualTo(i);
		}
		sql("update orders set status = 'paid'", "insert into other values (1, 'not watched')");
		sync.awaitProcessed(Duration.ofSeconds(20));
		assertThat(listener.received.size()).isEqualTo(6);
	}

	@Test
	void convergesQuicklyOnAnIdleServer() {
		ConfigurableApplicationContext context = start(Listener.class, "lode.status-interval=10s",
				"lode.heartbeat.interval=0s");
		LodeSync sync = context.getBean(LodeSync.class);
		sql("insert into other values (1, 'not watched')", "checkpoint");
		for (int i = 0; i < 5; i++) {
			long start = System.nanoTime();
			Lsn reached = sync.awaitProcessed(Duration.ofSeconds(20));
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(millis).as("wait on an idle server (reached %s)", reached).isLessThan(2000);
		}
	}

	@Test
	void failsWithWhatIsPendingWhenAListenerDoesNotReturn() throws Exception {
		ConfigurableApplicationContext context = start(BlockedListener.class);
		BlockedListener listener = context.getBean(BlockedListener.class);
		LodeSync sync = context.getBean(LodeSync.class);
		try {
			sql("insert into orders values (1, 'alice', 1, 'new')");
			assertThat(listener.entered.await(20, TimeUnit.SECONDS)).isTrue();
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> sync.awaitProcessed(Duration.ofMillis(500)))
				.withMessageContaining("lode has not processed everything committed up to")
				.withMessageContaining("within PT0.5S")
				.withMessageContaining("slot '" + this.slot + "'")
				.withMessageContaining("state STREAMING")
				.withMessageContaining("acknowledged ")
				.withMessageContaining("but the listeners of a transaction before")
				.withMessageNotContaining(this.pg.password().isEmpty() ? "\u0000" : this.pg.password());
		}
		finally {
			listener.release.countDown();
		}
		sync.awaitProcessed(Duration.ofSeconds(20));
	}

	@Test
	void failsAtOnceWhenNotStarted() {
		ConfigurableApplicationContext context = start(Listener.class, "lode.auto-startup=false");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> context.getBean(LodeSync.class).awaitProcessed(Duration.ofSeconds(30)))
			.withMessageContaining("state NEW")
			.withMessageContaining("not started");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(LodeSyncAutoConfiguration.class)
	static class Listener {

		final Recorder received = new Recorder();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.received.add(change);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(LodeSyncAutoConfiguration.class)
	static class BlockedListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@OnWalChange(table = "orders", kind = ChangeKind.INSERT)
		void onOrder(WalChange change) throws InterruptedException {
			this.entered.countDown();
			this.release.await();
		}

	}

}
