package dev.lode.spring;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.spring.boot.autoconfigure.endpoint.ListenerDescriptor;
import dev.lode.spring.boot.autoconfigure.endpoint.LodeDescriptor;
import dev.lode.spring.boot.autoconfigure.endpoint.LodeEndpoint;
import dev.lode.spring.boot.autoconfigure.endpoint.LodeEndpointAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.test.WithPostgres;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The {@code lode} endpoint of a streaming application: slot, plugin, state, positions as the server
 * sees them, listeners; never a password.
 */
@WithPostgres
class LodeEndpointTests extends LodeTestApps {

	@Test
	void readsTheStreamingStateThePositionsAndTheListeners() {
		ConfigurableApplicationContext context = start(Listener.class,
				"management.endpoints.web.exposure.include=health,lode");
		sql("insert into orders values (1, 'alice', 1, 'new')");
		// LodeSync lives in lode-test, which depends on this module: wait for the acknowledgement of the commit
		Listener listener = context.getBean(Listener.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.commit != null
				&& container.getLastAcknowledgedLsn() != null
				&& container.getLastAcknowledgedLsn().compareTo(listener.commit) >= 0);
		Lsn reached = listener.commit;

		LodeDescriptor lode = context.getBean(LodeEndpoint.class).lode();

		assertThat(lode.slot()).isEqualTo(this.slot);
		assertThat(lode.plugin()).isIn("wal2json v1", "wal2json v2", "pgoutput");
		assertThat(lode.state()).isEqualTo("STREAMING");
		assertThat(Lsn.parse(lode.positions().acknowledged())).isGreaterThanOrEqualTo(reached);
		assertThat(lode.positions().received()).isNotNull();
		assertThat(lode.positions().slotExists()).isTrue();
		assertThat(lode.positions().retainedWalBytes()).isNotNull().isNotNegative();
		assertThat(lode.positions().confirmedLagBytes()).isNotNull().isNotNegative();
		assertThat(lode.positions().slotStatusError()).isNull();
		assertThat(lode.listeners()).extracting(ListenerDescriptor::id, ListenerDescriptor::tables,
				ListenerDescriptor::condition)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("orders-audit", java.util.List.of("orders"),
					"row['amount'] >= 0"));
		assertThat(lode.toString()).doesNotContain("password").doesNotContain("jdbc:");
		if (!this.pg.password().isEmpty()) {
			assertThat(lode.toString()).doesNotContain(this.pg.password());
		}
	}

	@Test
	void pauseDispatchesNothingWhileTheConnectionStaysAndResumeDeliversWhatWasCommittedMeanwhile() {
		this.pg.setParameter("wal_sender_timeout", "2s");
		try {
			// a long status interval: only the status keeper keeps the paused connection alive
			ConfigurableApplicationContext context = start(Recording.class,
					"management.endpoints.web.exposure.include=health,lode", "lode.status-interval=30s");
			Recording recording = context.getBean(Recording.class);
			LodeEndpoint endpoint = context.getBean(LodeEndpoint.class);
			WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
			sql("insert into orders values (1, 'before', 1, 'new')");
			await().atMost(Duration.ofSeconds(20)).until(() -> recording.ids.size() == 1);
			String walsender = walsenderPid();

			assertThat(((LodeDescriptor) endpoint.operate("pause", null)).state()).isEqualTo("PAUSED");
			for (int i = 2; i <= 6; i++) {
				sql("insert into orders values (" + i + ", 'while paused', 1, 'new')");
			}
			await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() -> recording.ids.size() == 1);
			assertThat(BootLine.details(context.getBean(LodeHealthIndicator.class))).containsEntry("state", "PAUSED");
			assertThat(BootLine.status(context.getBean(LodeHealthIndicator.class))).isEqualTo("UP");
			assertThat(walsenderPid()).as("the same walsender: status updates kept the connection").isEqualTo(walsender);
			assertThat(container.getReconnectCount()).isZero();
			assertThat(endpoint.lode().inFlight().transactions()).isZero();

			assertThat(((LodeDescriptor) endpoint.operate("resume", null)).state()).isEqualTo("STREAMING");
			await().atMost(Duration.ofSeconds(20)).until(() -> recording.ids.size() == 6);
			assertThat(recording.ids).containsExactly(1, 2, 3, 4, 5, 6);
			assertThatIllegalArgumentException().isThrownBy(() -> endpoint.operate("explode", null))
				.withMessageContaining("use pause, resume or snapshot");
		}
		finally {
			this.pg.resetParameter("wal_sender_timeout");
		}
	}

	@Test
	void startsASnapshotOfTheNamedTablesAndShowsItsProgress() {
		sql("insert into orders select g, 'old', 1, 'new' from generate_series(1, 300) g");
		ConfigurableApplicationContext context = start(Recording.class,
				"management.endpoints.web.exposure.include=health,lode", "lode.snapshot.chunk-size=50");
		Recording recording = context.getBean(Recording.class);
		LodeEndpoint endpoint = context.getBean(LodeEndpoint.class);

		@SuppressWarnings("unchecked")
		Map<String, Object> started = (Map<String, Object>) endpoint.operate("snapshot", " orders ,");
		assertThat(started).containsKey("snapshotId").containsEntry("tables", List.of("orders"));
		await().atMost(Duration.ofSeconds(30)).until(() -> recording.ids.size() >= 300);
		assertThat(recording.ids).containsAll(java.util.stream.IntStream.rangeClosed(1, 300).boxed().toList());
		await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.lode().snapshots().isEmpty());
		assertThatIllegalArgumentException().isThrownBy(() -> endpoint.operate("snapshot", null))
			.withMessageContaining("Name the tables");
	}

	private String walsenderPid() {
		return this.pg.queryForString(this.db,
				"select active_pid::text from pg_replication_slots where slot_name = '" + this.slot + "'");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(LodeEndpointAutoConfiguration.class)
	static class Recording {

		final java.util.List<Object> ids = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.ids.add(change.get("id"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(LodeEndpointAutoConfiguration.class)
	static class Listener {

		volatile @Nullable Lsn commit;

		@OnWalChange(id = "orders-audit", table = "orders", condition = "row['amount'] >= 0")
		void onOrder(WalChange change) {
			this.commit = change.commitLsn();
		}

	}

}
