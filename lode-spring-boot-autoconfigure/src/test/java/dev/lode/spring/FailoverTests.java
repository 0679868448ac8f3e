package dev.lode.spring;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lode.core.replication.OnSlotLoss;
import dev.lode.core.replication.StreamGap;
import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.test.ReplicatedClusters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real failover: a primary with a physical standby (made by the test fixture), lode on the multi-host URL with
 * {@code targetServerType=primary}; the primary is killed and the standby promoted. On PostgreSQL 17+ lode's failover
 * slot, synchronised to the standby, continues with nothing lost; without one (before 17, or
 * {@code lode.slot.failover=false}) the promoted server has no slot, and lode refuses to go on, or re-reads the
 * tables with {@code lode.slot.on-loss=resync}. Runs on every server version of the matrix.
 */
class FailoverTests {

	private static final String DB = "app";

	private static final String SLOT = "lode_failover";

	private ReplicatedClusters pair;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void startPrimaryAndStandby() {
		this.pair = ReplicatedClusters.start();
		this.pair.executeOnPrimary("postgres", "create database " + DB);
		this.pair.executeOnPrimary(DB, "create table orders (id int primary key, customer text not null,"
				+ " amount numeric(12,2), status text)");
	}

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.pair.close();
	}

	@Test
	void onPostgres17AFailoverSlotContinuesOnThePromotedStandbyWithNothingLostAndBeforeItLodeRefuses()
			throws Exception {
		ConfigurableApplicationContext context = start(OrdersCopy.class);
		OrdersCopy copy = context.getBean(OrdersCopy.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		write("insert into orders select g, 'c' || g, 1, 'new' from generate_series(1, 100) g");
		await().atMost(Duration.ofSeconds(20)).until(() -> copy.copy.size() == 100);
		boolean failoverSlots = this.pair.majorVersion() >= 17;
		assertThat(container.getSlotInfo().failover()).isEqualTo(failoverSlots ? Boolean.TRUE : null);
		if (!failoverSlots) {
			assertThat(BootLine.details(context.getBean(LodeHealthIndicator.class))).doesNotContainKey("failoverSlot");
		}
		else {
			assertThat(BootLine.details(context.getBean(LodeHealthIndicator.class))).containsEntry("failoverSlot", true)
				.containsEntry("synchronizedStandbySlots", ReplicatedClusters.STANDBY_SLOT)
				.containsEntry("activeStandbySlots", 1L);
			// the standby makes the slot persistent once lode confirmed positions after it first saw it
			try (Writer writer = new Writer(1000)) {
				this.pair.awaitSyncedSlot(SLOT);
			}
			// lode sees the standby among the hosts of its URL (it asks at most every 10 s)
			await().atMost(Duration.ofSeconds(30)).until(() -> "synchronised"
				.equals(BootLine.details(context.getBean(LodeHealthIndicator.class)).get("standbySlot")));
		}
		this.pair.awaitStandbyReplayed();

		this.pair.killPrimary();
		this.pair.promoteStandby();
		long promoted = System.nanoTime();
		write("insert into orders select g, 'd' || g, 1, 'new' from generate_series(2001, 2100) g",
				"update orders set status = 'paid' where id % 10 = 0", "delete from orders where id % 25 = 0");

		if (failoverSlots) {
			await().atMost(Duration.ofSeconds(60)).until(() -> copy.copy.containsKey(2099)
					&& !copy.copy.containsKey(2075) && container.getState() == ReplicationState.STREAMING);
			System.out.printf("[failover] PostgreSQL %d: streaming again %d ms after the promotion%n",
					this.pair.majorVersion(), Duration.ofNanos(System.nanoTime() - promoted).toMillis());
			try (Connection connection = this.pair.connectStandby(DB)) { // promoted
				await().atMost(Duration.ofSeconds(20))
					.untilAsserted(() -> assertThat(copy.sorted()).isEqualTo(OrdersCopy.read(connection)));
			}
			assertThat(copy.gaps).as("no gap: the failover slot continued").isEmpty();
			assertThat(container.getLastGap()).isNull();
			assertThat(container.getServerIdentity().timeline()).isEqualTo(2);
		}
		else {
			await().atMost(Duration.ofSeconds(60)).until(() -> container.getState() == ReplicationState.FAILED);
			assertRefusedAfterPromotion(context, copy);
		}
	}

	@Test
	void withoutAFailoverSlotLodeRefusesToGoOnAfterAFailoverAndCreatesNoSlot() throws Exception {
		ConfigurableApplicationContext context = start(OrdersCopy.class, "lode.slot.failover=false");
		OrdersCopy copy = context.getBean(OrdersCopy.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		write("insert into orders select g, 'c' || g, 1, 'new' from generate_series(1, 100) g");
		await().atMost(Duration.ofSeconds(20)).until(() -> copy.copy.size() == 100);
		assertThat(BootLine.details(context.getBean(LodeHealthIndicator.class)).get("failoverSlot"))
			.isEqualTo((this.pair.majorVersion() >= 17) ? false : null);
		this.pair.awaitStandbyReplayed();

		this.pair.killPrimary();
		this.pair.promoteStandby();
		write("insert into orders select g, 'd' || g, 1, 'new' from generate_series(2001, 2100) g");

		await().atMost(Duration.ofSeconds(60)).until(() -> container.getState() == ReplicationState.FAILED);
		assertRefusedAfterPromotion(context, copy);
	}

	@Test
	void withResyncAFailoverWithoutAFailoverSlotEndsWithAPerfectCopy() throws Exception {
		ConfigurableApplicationContext context = start(OrdersCopy.class, "lode.slot.failover=false",
				"lode.slot.on-loss=resync");
		OrdersCopy copy = context.getBean(OrdersCopy.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		write("insert into orders select g, 'c' || g, 1, 'new' from generate_series(1, 1000) g");
		await().atMost(Duration.ofSeconds(20)).until(() -> copy.copy.size() == 1000);
		this.pair.awaitStandbyReplayed();

		this.pair.killPrimary();
		this.pair.promoteStandby();
		long promoted = System.nanoTime();
		// changes no slot on the promoted server can deliver: committed before lode has a slot there
		write("insert into orders select g, 'd' || g, 1, 'new' from generate_series(2001, 3000) g",
				"update orders set status = 'paid' where id % 10 = 0", "delete from orders where id % 25 = 0");

		await().atMost(Duration.ofSeconds(90)).until(() -> copy.events.contains("resync completed"));
		System.out.printf("[failover] PostgreSQL %d: re-synchronised 2,000 - 80 rows %d ms after the promotion%n",
				this.pair.majorVersion(), Duration.ofNanos(System.nanoTime() - promoted).toMillis());
		write("insert into orders values (5000, 'after', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> copy.copy.containsKey(5000));
		try (Connection connection = this.pair.connectStandby(DB)) { // promoted
			assertThat(copy.sorted()).isEqualTo(OrdersCopy.read(connection));
		}
		assertThat(copy.gaps).singleElement().satisfies((gap) -> {
			assertThat(gap.reason()).isEqualTo(StreamGap.Reason.SLOT_MISSING);
			assertThat(gap.promoted()).isTrue();
			assertThat(gap.action()).isEqualTo(OnSlotLoss.RESYNC);
		});
		assertThat(container.getState()).isEqualTo(ReplicationState.STREAMING);
		assertThat(BootLine.status(context.getBean(LodeHealthIndicator.class))).isEqualTo("UP");
	}

	private void assertRefusedAfterPromotion(ConfigurableApplicationContext context, OrdersCopy copy) {
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		StreamGap gap = container.getLastGap();
		assertThat(gap).isNotNull();
		assertThat(gap.reason()).isEqualTo(StreamGap.Reason.SLOT_MISSING);
		assertThat(gap.promoted()).isTrue();
		assertThat(gap.action()).isEqualTo(OnSlotLoss.FAIL);
		assertThat(gap.message()).contains("the server was promoted (timeline 1 -> 2)");
		assertThat(copy.gaps).containsExactly(gap);
		assertThat(copy.copy).doesNotContainKey(2001);
		LodeHealthIndicator health = context.getBean(LodeHealthIndicator.class);
		assertThat(BootLine.status(health)).isEqualTo("DOWN");
		assertThat(BootLine.details(health).get("action")).asString().contains("lode.slot.on-loss=resync");
		assertThat(this.pair.queryStandby(DB, // promoted
				"select count(*) from pg_replication_slots where slot_name = '" + SLOT + "'")).isEqualTo("0");
	}

	private ConfigurableApplicationContext start(Class<?> config, String... properties) {
		List<String> props = new ArrayList<>(List.of("lode.url=" + this.pair.multiHostUrl(DB),
				"lode.username=" + this.pair.username(), "lode.password=" + this.pair.password(),
				"lode.slot.name=" + SLOT, "lode.plugin=pgoutput", "lode.status-interval=200ms",
				"lode.shutdown.timeout=2s", "lode.reconnect.initial-interval=200ms", "lode.reconnect.max-interval=1s"));
		props.addAll(List.of(properties));
		ConfigurableApplicationContext context = LodeTestApps.run(config, props);
		this.contexts.add(context);
		return context;
	}

	/** Runs the statements in one transaction on the primary, through the multi-host URL. */
	private void write(String... statements) throws Exception {
		try (Connection connection = java.sql.DriverManager.getConnection(this.pair.multiHostUrl(DB),
				this.pair.username(), this.pair.password()); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			for (String sql : statements) {
				statement.execute(sql);
			}
			connection.commit();
		}
	}

	/** Inserts a row every 50 ms until closed, so lode keeps confirming new positions. */
	private final class Writer implements AutoCloseable {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		Writer(int firstId) {
			AtomicInteger next = new AtomicInteger(firstId);
			this.thread = new Thread(() -> {
				while (this.running.get()) {
					try {
						write("insert into orders values (" + next.getAndIncrement() + ", 'w', 1, 'new')");
						Thread.sleep(50);
					}
					catch (Exception ex) {
						return;
					}
				}
			}, "failover-writer");
			this.thread.start();
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.thread.join();
		}

	}

}
