package dev.lode.spring;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.lode.core.ChangeKind;
import dev.lode.core.replication.OnSlotLoss;
import dev.lode.core.replication.SlotLossException;
import dev.lode.core.replication.StreamGap;
import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.test.PrivateCluster;
import dev.lode.test.WithPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The end of the stream is never silent: a slot dropped, re-created or invalidated while the application was stopped
 * is recognised by lode's record of its stream, and {@code lode.slot.on-loss} decides: refuse (the default), read
 * every watched table again, or go on with a WARN.
 */
@WithPostgres
@ExtendWith(OutputCaptureExtension.class)
class SlotLossTests extends LodeTestApps {

	@Test
	void aSlotDroppedWhileTheApplicationWasStoppedIsRefusedByDefaultAndNoSlotIsCreatedOverTheGap() {
		ConfigurableApplicationContext first = start(OrdersCopy.class);
		sql("insert into orders values (1, 'a', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> first.getBean(OrdersCopy.class).copy.size() == 1);
		first.close();
		dropSlot();
		insertOrders(2, 1001);

		SlotLossException refused = slotLoss(() -> start(OrdersCopy.class));
		assertThat(refused.gap().reason()).isEqualTo(StreamGap.Reason.SLOT_MISSING);
		assertThat(refused.gap().action()).isEqualTo(OnSlotLoss.FAIL);
		assertThat(refused.gap().lastAcknowledged()).isNotNull();
		assertThat(refused.getMessage()).contains("'" + this.slot + "' does not exist")
			.contains("lode's listeners completed everything up to " + refused.gap().lastAcknowledged());
		assertThat(refused.action()).contains("lode.slot.on-loss=resync").contains("lode.slot.on-loss=ignore")
			.contains("delete from lode_stream_record where slot_name = '" + this.slot + "'");
		assertThat(slotCount()).as("no slot is created over a known gap").isZero();
	}

	@Test
	void aSlotCreatedAgainBySomeoneElseIsNotTakenForTheOneLodeStreamedFrom() {
		ConfigurableApplicationContext first = start(OrdersCopy.class);
		sql("insert into orders values (1, 'a', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> first.getBean(OrdersCopy.class).copy.size() == 1);
		first.close();
		String plugin = this.pg.queryForString(this.db,
				"select plugin from pg_replication_slots where slot_name = '" + this.slot + "'");
		dropSlot();
		insertOrders(2, 100);
		sql("select pg_create_logical_replication_slot('" + this.slot + "', '" + plugin + "')");

		SlotLossException refused = slotLoss(() -> start(OrdersCopy.class));
		assertThat(refused.gap().reason()).isEqualTo(StreamGap.Reason.SLOT_REPLACED);
		assertThat(refused.getMessage()).contains("is not the one lode streamed from");
	}

	@Test
	void withResyncANewSlotIsCreatedAndEveryWatchedTableIsReadAgainSoTheCopyConverges() throws Exception {
		ConfigurableApplicationContext first = start(OrdersCopy.class);
		insertOrders(1, 200);
		await().atMost(Duration.ofSeconds(20)).until(() -> first.getBean(OrdersCopy.class).copy.size() == 200);
		Map<Integer, String> before = first.getBean(OrdersCopy.class).sorted();
		first.close();
		dropSlot();
		// the gap: inserts, updates and deletes that no listener will ever see as changes
		insertOrders(201, 1200);
		sql("update orders set status = 'paid' where id % 3 = 0", "delete from orders where id % 7 = 0");

		OrdersCopy.KEPT.putAll(before); // the application's copy, kept across its restart
		ConfigurableApplicationContext second;
		try {
			second = start(CopyWithMetrics.class, "lode.slot.on-loss=resync");
		}
		finally {
			OrdersCopy.KEPT.clear();
		}
		OrdersCopy copy = second.getBean(OrdersCopy.class);
		// changes while the re-synchronisation runs
		sql("insert into orders values (5000, 'late', 1, 'new')", "delete from orders where id = 2",
				"update orders set status = 'late' where id = 4");
		await().atMost(Duration.ofSeconds(60)).until(() -> copy.events.contains("resync completed")
				&& copy.copy.containsKey(5000) && !copy.copy.containsKey(2));
		try (Connection connection = this.pg.connect(this.db)) {
			assertThat(copy.sorted()).isEqualTo(OrdersCopy.read(connection));
		}
		assertThat(copy.gaps).singleElement().satisfies((gap) -> {
			assertThat(gap.reason()).isEqualTo(StreamGap.Reason.SLOT_MISSING);
			assertThat(gap.action()).isEqualTo(OnSlotLoss.RESYNC);
		});
		assertThat(copy.events).as("the gap event comes before the re-synchronisation's rows")
			.startsWith("gap RESYNC", "first resync row");
		assertThat(copy.changes).filteredOn((c) -> c.kind() == ChangeKind.SNAPSHOT)
			.allSatisfy((c) -> assertThat(c.snapshot().isResync()).isTrue());
		WalReplicationContainer container = second.getBean(WalReplicationContainer.class);
		assertThat(container.getState()).isEqualTo(ReplicationState.STREAMING);
		assertThat(container.getLastGap().action()).isEqualTo(OnSlotLoss.RESYNC);
		LodeHealthIndicator health = second.getBean(LodeHealthIndicator.class);
		assertThat(BootLine.status(health)).isEqualTo("UP");
		assertThat(BootLine.details(health).get("lastGap")).asString().contains("SLOT_MISSING").contains("RESYNC");
		assertThat(second.getBean(MeterRegistry.class).get("lode.slot.gaps").tag("reason", "slot_missing")
			.tag("action", "resync").counter().count()).isEqualTo(1);
	}

	@Test
	void withIgnoreLodeGoesOnFromANewSlotAndStatesTheGap(CapturedOutput output) {
		int mark = output.getOut().length();
		ConfigurableApplicationContext first = start(OrdersCopy.class);
		assertThat(warnings(output, mark)).as("the first start of an application creates the slot without a warning")
			.isEmpty();
		sql("insert into orders values (1, 'a', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> first.getBean(OrdersCopy.class).copy.size() == 1);
		first.close();
		dropSlot();
		insertOrders(2, 50);

		mark = output.getOut().length();
		ConfigurableApplicationContext second = start(OrdersCopy.class, "lode.slot.on-loss=ignore");
		assertThat(warnings(output, mark)).singleElement().asString()
			.contains("'" + this.slot + "' does not exist")
			.contains("lode's listeners completed everything up to")
			.contains("lode.slot.on-loss=ignore: lode goes on from a new slot without those changes");
		OrdersCopy copy = second.getBean(OrdersCopy.class);
		sql("insert into orders values (1000, 'after', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> copy.copy.containsKey(1000));
		assertThat(copy.copy).containsOnlyKeys(1000);
		assertThat(copy.gaps).singleElement().satisfies((gap) -> assertThat(gap.action()).isEqualTo(OnSlotLoss.IGNORE));
		assertThat(second.getBean(WalReplicationContainer.class).getLastGap().reason())
			.isEqualTo(StreamGap.Reason.SLOT_MISSING);
		// the gap was acted on once: the next start finds the new slot lode streams from, no gap
		second.close();
		ConfigurableApplicationContext third = start(OrdersCopy.class);
		assertThat(third.getBean(OrdersCopy.class).gaps).isEmpty();
	}

	@Test
	void aSlotDroppedWhileLodeReconnectsStopsItWithHealthDownAndTheGapNamed() {
		ConfigurableApplicationContext context = start(OrdersCopy.class, "lode.reconnect.initial-interval=2s");
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		await().atMost(Duration.ofSeconds(10)).until(this::slotActive);
		sql("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = '" + this.slot + "'");
		await().atMost(Duration.ofSeconds(10)).until(() -> !slotActive());
		dropSlot();
		await().atMost(Duration.ofSeconds(20)).until(() -> container.getState() == ReplicationState.FAILED);
		assertThat(container.getLastGap().reason()).isEqualTo(StreamGap.Reason.SLOT_MISSING);
		LodeHealthIndicator health = context.getBean(LodeHealthIndicator.class);
		assertThat(BootLine.status(health)).isEqualTo("DOWN");
		assertThat(BootLine.details(health).get("action")).asString().contains("lode.slot.on-loss=resync");
		assertThat(slotCount()).isZero();
	}

	@Test
	void anInvalidatedSlotIsRecognisedAndResyncReplacesIt() throws Exception {
		try (PrivateCluster server = PrivateCluster.start("max_slot_wal_keep_size = 1MB")) {
			server.execute("create database app");
			try (Connection c = server.connect("app")) {
				c.createStatement().execute("create table orders (id int primary key, customer text not null,"
						+ " amount numeric(12,2), status text)");
			}
			String[] props = { "lode.url=" + server.jdbcUrl("app"), "lode.username=" + server.username(),
					"lode.password=" + server.password(), "lode.plugin=pgoutput" };
			ConfigurableApplicationContext first = start(OrdersCopy.class, props);
			try (Connection c = server.connect("app")) {
				c.createStatement().execute("insert into orders values (1, 'a', 1, 'new')");
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> first.getBean(OrdersCopy.class).copy.size() == 1);
			first.close();
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				try (Connection c = server.connect("app")) {
					// WAL the slot would need: more than max_slot_wal_keep_size, then segments the checkpoint removes
					c.createStatement().execute("create table if not exists filler (x int)");
					c.createStatement().execute("insert into filler select generate_series(1, 50000)");
					c.createStatement().execute("select pg_switch_wal()");
					c.createStatement().execute("checkpoint");
				}
				return "lost".equals(server.queryForString("select wal_status from pg_replication_slots where"
						+ " slot_name = '" + this.slot + "'"));
			});
			SlotLossException refused = slotLoss(() -> start(OrdersCopy.class, props));
			assertThat(refused.gap().reason()).isEqualTo(StreamGap.Reason.SLOT_INVALIDATED);
			assertThat(refused.action()).contains("max_slot_wal_keep_size");

			List<String> resync = new ArrayList<>(List.of(props));
			resync.add("lode.slot.on-loss=resync");
			ConfigurableApplicationContext second = start(OrdersCopy.class, resync.toArray(String[]::new));
			OrdersCopy copy = second.getBean(OrdersCopy.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> copy.events.contains("resync completed"));
			assertThat(copy.copy).containsKey(1);
			assertThat(server.queryForString("select wal_status from pg_replication_slots where slot_name = '"
					+ this.slot + "'")).isNotEqualTo("lost");
			second.close();
		}
	}

	@Test
	void withoutThePrivilegeToCreateTheRecordStartupFailsWithTheSqlToRun() {
		String user = this.db + "_user";
		sql("create role " + user + " login replication password 'secret'", "revoke create on schema public from public",
				"grant select on all tables in schema public to " + user);
		Throwable failure = catchThrowable(() -> start(OrdersCopy.class, "lode.username=" + user,
				"lode.password=secret"));
		String message = failure.toString();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof dev.lode.core.replication.ReplicationSetupException setup) {
				message = setup.getMessage() + " / " + setup.action();
			}
		}
		assertThat(message).contains("lode_stream_record").contains("create table if not exists lode_stream_record")
			.doesNotContain("secret");
	}

	@Test
	void theRecordCanLiveInASchemaOfItsOwn() {
		ConfigurableApplicationContext context = start(OrdersCopy.class, "lode.slot.record-schema=lode_meta");
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		dev.lode.core.Lsn opened = container.getConfirmLimit();
		sql("insert into orders values (1, 'a', 1, 'new')");
		// what lode may confirm rises as it records what its listeners completed
		await().atMost(Duration.ofSeconds(20)).until(() -> container.getConfirmLimit().isAfter(opened));
		await().atMost(Duration.ofSeconds(20)).until(() -> context.getBean(OrdersCopy.class).copy.size() == 1);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.pg.queryForString(this.db,
				"select acknowledged_lsn is not null from lode_meta.lode_stream_record where slot_name = '"
						+ this.slot + "'").equals("t"));
	}

	/** The WARN lines lode's stream opener wrote since the mark. */
	private static List<String> warnings(CapturedOutput output, int mark) {
		return output.getOut().substring(mark).lines()
			.filter((line) -> line.contains("WARN") && line.contains("StreamOpener"))
			.toList();
	}

	private void insertOrders(int from, int to) {
		sql("insert into orders select g, 'c' || g, 1, 'new' from generate_series(" + from + ", " + to + ") g");
	}

	private void dropSlot() {
		await().atMost(Duration.ofSeconds(10)).until(() -> !slotActive());
		sql("select pg_drop_replication_slot('" + this.slot + "')");
	}

	private int slotCount() {
		return Integer.parseInt(this.pg.queryForString(this.db,
				"select count(*) from pg_replication_slots where slot_name = '" + this.slot + "'"));
	}

	static SlotLossException slotLoss(Runnable start) {
		Throwable failure = catchThrowable(start::run);
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof SlotLossException loss) {
				return loss;
			}
		}
		throw new AssertionError("expected lode to refuse with a SlotLossException, got " + failure, failure);
	}

	@Configuration(proxyBeanMethods = false)
	@Import(OrdersCopy.class)
	static class CopyWithMetrics {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		dev.lode.spring.boot.autoconfigure.metrics.LodeReplicationMetrics lodeReplicationMetrics(MeterRegistry registry) {
			return new dev.lode.spring.boot.autoconfigure.metrics.LodeReplicationMetrics(registry);
		}

	}

}
