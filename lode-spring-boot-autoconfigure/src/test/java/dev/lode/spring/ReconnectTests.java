package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import java.time.Duration;

import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.core.WalChange;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection loss: lode reconnects with back-off and resumes from the slot; permanent errors stop it.
 */
@WithPostgres
class ReconnectTests extends LodeTestApps {

	private static final String[] FAST_RECONNECT = { "lode.reconnect.initial-interval=200ms",
			"lode.reconnect.max-interval=1s" };

	@Test
	void whenTheWalsenderIsTerminatedThenLodeReconnectsAndDeliversEverything() {
		ConfigurableApplicationContext context = start(RecordingOrders.class, FAST_RECONNECT);
		RecordingOrders listener = context.getBean(RecordingOrders.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		sql("insert into orders values (1, 'a', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.size() == 1);

		terminateWalsender();
		sql("insert into orders values (2, 'b', 1, 'new')", "insert into orders values (3, 'c', 1, 'new')");

		await().atMost(Duration.ofSeconds(30)).until(() -> listener.received.ids().containsAll(java.util.List.of(1, 2, 3)));
		assertThat(container.getReconnectCount()).isGreaterThanOrEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> container.getState() == ReplicationState.STREAMING);
		LodeHealthIndicator health = context.getBean(LodeHealthIndicator.class);
		assertThat(BootLine.status(health)).isEqualTo("UP");
		assertThat((Integer) BootLine.details(health).get("reconnects")).isGreaterThanOrEqualTo(1);
	}

	@Test
	void aReconnectResumesAfterWhatThisProcessAcknowledgedNotFromTheSlotsOlderPosition() {
		// 2,000 committed single-row transactions wait in the slot; the listener terminates the walsender from
		// inside its 1,000th call, while lode catches up and its acknowledgements reach the server only now and then
		ConfigurableApplicationContext context = start(TerminatesOnce.class, "lode.status-interval=1h",
				"lode.reconnect.initial-interval=100ms");
		TerminatesOnce listener = context.getBean(TerminatesOnce.class);
		listener.terminate = () -> terminateWalsender();
		sql("insert into orders values (0, 'warm-up', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.size() == 1);
		context.getBean(WalReplicationContainer.class).stop();
		for (int batch = 0; batch < 4; batch++) {
			String[] inserts = new String[500];
			for (int i = 0; i < inserts.length; i++) {
				int id = 1 + batch * 500 + i;
				inserts[i] = "insert into orders values (" + id + ", 'c', 1, 'new')";
			}
			sql(inserts);
		}
		context.getBean(WalReplicationContainer.class).start();

		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		await().atMost(Duration.ofSeconds(60)).until(() -> listener.distinct() == 2001
				&& container.getReconnectCount() == 1 && container.getState() == ReplicationState.STREAMING);
		// whatever the new session delivers again comes before a row committed after it started
		sql("insert into orders values (9999, 'marker', 1, 'new')");
		await().atMost(Duration.ofSeconds(30)).until(() -> listener.received.ids().contains(9999));
		// only the transaction in flight when the connection died may come again, not what was acknowledged
		assertThat(listener.received.size() - listener.distinct()).as("changes delivered twice").isLessThanOrEqualTo(1);
	}

	@Test
	void whenTheServerRestartsThenLodeReconnectsAndDeliversEverything() {
		ConfigurableApplicationContext context = start(RecordingOrders.class, FAST_RECONNECT);
		RecordingOrders listener = context.getBean(RecordingOrders.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		sql("insert into orders values (1, 'a', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.size() == 1);

		this.pg.restart();
		sql("insert into orders values (2, 'b', 1, 'new')");

		await().atMost(Duration.ofSeconds(30)).until(() -> listener.received.ids().contains(2));
		assertThat(container.getReconnectCount()).isGreaterThanOrEqualTo(1);
		assertThat(listener.received.ids()).startsWith(1).contains(2);
	}

	@Test
	void whenTheSlotIsDroppedWhileReconnectingThenLodeStopsWithAClearError() {
		ConfigurableApplicationContext context = start(RecordingOrders.class, "lode.reconnect.initial-interval=3s");
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		await().atMost(Duration.ofSeconds(10)).until(this::slotActive);

		terminateWalsender();
		await().atMost(Duration.ofSeconds(10)).until(() -> container.getState() == ReplicationState.RECONNECTING);
		await().atMost(Duration.ofSeconds(10)).until(() -> !slotActive());
		sql("select pg_drop_replication_slot('" + this.slot + "')");

		await().atMost(Duration.ofSeconds(20)).until(() -> container.getState() == ReplicationState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("'" + this.slot + "' does not exist")
			.hasMessageContaining("dropped");
		assertThat(BootLine.status(context.getBean(LodeHealthIndicator.class))).isEqualTo("DOWN");
	}

	@Configuration(proxyBeanMethods = false)
	static class TerminatesOnce {

		final Recorder received = new Recorder();

		volatile Runnable terminate;

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.received.add(change);
			if (Integer.valueOf(1000).equals(change.get("id")) && this.terminate != null) {
				Runnable once = this.terminate;
				this.terminate = null;
				once.run();
			}
		}

		long distinct() {
			return this.received.ids().stream().distinct().count();
		}

	}

	private void terminateWalsender() {
		sql("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = '" + this.slot + "'");
	}

}
