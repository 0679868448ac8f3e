package dev.lode.spring;

import java.time.Duration;

import dev.lode.core.WalChange;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
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
		Health health = context.getBean(LodeHealthIndicator.class).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat((Integer) health.getDetails().get("reconnects")).isGreaterThanOrEqualTo(1);
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
		assertThat(context.getBean(LodeHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
	}

	private void terminateWalsender() {
		sql("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = '" + this.slot + "'");
	}

}
