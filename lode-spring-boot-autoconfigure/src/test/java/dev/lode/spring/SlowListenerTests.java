package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import java.time.Duration;

import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Status updates keep flowing while a listener runs longer than {@code wal_sender_timeout}.
 */
@WithPostgres
class SlowListenerTests extends LodeTestApps {

	@AfterEach
	void resetTimeout() {
		this.pg.resetParameter("wal_sender_timeout");
	}

	@Test
	void aListenerSlowerThanWalSenderTimeoutDoesNotBreakTheStream() {
		this.pg.setParameter("wal_sender_timeout", "2s");
		// a long status interval: only lode's status keeper can keep the connection alive
		ConfigurableApplicationContext context = start(SlowListener.class, "lode.status-interval=30s");
		SlowListener listener = context.getBean(SlowListener.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		await().atMost(Duration.ofSeconds(10)).until(this::slotActive);
		String walsender = walsenderPid();

		sql("insert into orders values (1, 'slow', 1, 'new')");
		await().atMost(Duration.ofSeconds(30)).until(() -> listener.received.size() == 1);
		sql("insert into orders values (2, 'later', 1, 'new')", "insert into orders values (3, 'later', 1, 'new')");

		await().atMost(Duration.ofSeconds(30)).until(() -> listener.received.size() == 3);
		assertThat(container.getState()).isEqualTo(ReplicationState.STREAMING);
		assertThat(container.getLastError()).isNull();
		assertThat(walsenderPid()).as("the same walsender, so the connection was never lost").isEqualTo(walsender);
	}

	private String walsenderPid() {
		return this.pg.queryForString(this.db,
				"select active_pid::text from pg_replication_slots where slot_name = '" + this.slot + "'");
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowListener {

		final Recorder received = new Recorder();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) throws InterruptedException {
			this.received.add(change);
			if (this.received.size() == 1) {
				Thread.sleep(5000); // the listener's own slowness, longer than wal_sender_timeout (2 s)
			}
		}

	}

}
