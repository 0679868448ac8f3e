package dev.lode.spring;

import java.time.Duration;
import java.util.List;

import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.event.WalStreamingFailedEvent;
import dev.lode.spring.listener.InvalidListenerMethodException;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Several sources in one application ({@code lode.sources.<name>}): two databases on one server, two slots on one
 * database; each listener gets its own source's changes only, each slot is acknowledged on its own, and a source
 * that stops does not stop the other.
 */
@WithPostgres
class SourcesTests extends LodeTestApps {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private String billingDb;

	private String[] billingOnOtherDatabase() {
		this.billingDb = this.pg.createDatabase("SourcesBilling");
		this.otherDatabases.add(this.billingDb);
		this.pg.execute(this.billingDb, "create table invoices (id int primary key, amount numeric(12,2))",
				"create table orders (id int primary key, customer text not null, amount numeric(12,2), status text)");
		return new String[] { "lode.sources.billing.url=" + this.pg.jdbcUrl(this.billingDb),
				"lode.sources.billing.slot.name=" + this.slot + "_billing" };
	}

	@Test
	void twoDatabasesOnOneServerEachListenerGetsItsOwnSourcesChangesAndEachSlotIsAcknowledged() {
		ConfigurableApplicationContext context = start(TwoSources.class, billingOnOtherDatabase());
		TwoSources listeners = context.getBean(TwoSources.class);
		LodeSources sources = context.getBean(LodeSources.class);
		assertThat(sources.names()).containsExactly("default", "billing");

		sql("insert into orders values (1, 'alice', 10, 'new')");
		this.pg.execute(this.billingDb, "insert into invoices values (100, 10)",
				"insert into orders values (2, 'bob', 20, 'new')");
		Lsn target = Lsn.parse(this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text"));

		await().atMost(WAIT).until(() -> acknowledged(sources, "default", target) && acknowledged(sources, "billing", target));
		// each slot confirmed on its own, in its own database
		await().atMost(WAIT).until(() -> confirmedFlushLsn().compareTo(target) >= 0
				&& Lsn.parse(this.pg.queryForString(this.billingDb, "select confirmed_flush_lsn::text from"
						+ " pg_replication_slots where slot_name = '" + this.slot + "_billing'")).compareTo(target) >= 0);
		assertThat(listeners.orders.ids()).containsExactly(1);
		assertThat(listeners.billingOrders.ids()).containsExactly(2);
		assertThat(listeners.invoices.ids()).containsExactly(100);
		assertThat(listeners.billingTransactions).containsExactly(List.of(100), List.of(2));
		assertThat(sources.get("billing").container().getSourceName()).isEqualTo("billing");
	}

	@Test
	void twoSlotsOnOneDatabaseWithDifferentPluginsDeliverEachChangeOncePerSource() {
		ConfigurableApplicationContext context = start(SameDatabase.class, "lode.sources.fast.slot.name=" + this.slot + "_fast",
				"lode.sources.fast.plugin=pgoutput", "lode.sources.fast.listener.concurrency=4");
		SameDatabase listeners = context.getBean(SameDatabase.class);
		LodeSources sources = context.getBean(LodeSources.class);

		sql("insert into orders values (1, 'alice', 10, 'new')", "insert into orders values (2, 'bob', 20, 'new')");
		sql("update orders set status = 'paid' where id = 1");
		Lsn target = Lsn.parse(this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text"));

		await().atMost(WAIT).until(() -> acknowledged(sources, "default", target) && acknowledged(sources, "fast", target));
		assertThat(listeners.orders.ids()).containsExactly(1, 2, 1);
		assertThat(listeners.fast.ids()).containsExactlyInAnyOrder(1, 2, 1);
		assertThat(this.pg.queryForString(this.db, "select string_agg(slot_name || ':' || plugin, ',' order by slot_name)"
				+ " from pg_replication_slots where database = current_database()"))
			.contains(this.slot + "_fast:pgoutput");
		// the record of each stream is a row of its own
		assertThat(this.pg.queryForString(this.db, "select count(*) from lode_stream_record where slot_name in ('"
				+ this.slot + "', '" + this.slot + "_fast')")).isEqualTo("2");
	}

	@Test
	void aSourceThatStopsOnAFailingListenerLeavesTheOtherStreaming() {
		String[] billing = billingOnOtherDatabase();
		ConfigurableApplicationContext context = start(BillingFails.class, billing[0], billing[1],
				"lode.sources.billing.listener.retry.max-attempts=1", "lode.sources.billing.listener.failure-action=stop");
		BillingFails listeners = context.getBean(BillingFails.class);
		LodeSources sources = context.getBean(LodeSources.class);

		this.pg.execute(this.billingDb, "insert into invoices values (100, 10)");
		await().atMost(WAIT).until(() -> sources.get("billing").container().getState() == ReplicationState.FAILED);
		assertThat(listeners.failed).singleElement().isEqualTo("billing");

		sql("insert into orders values (1, 'alice', 10, 'new')");
		Lsn target = Lsn.parse(this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text"));
		await().atMost(WAIT).until(() -> acknowledged(sources, "default", target));
		assertThat(listeners.orders.ids()).containsExactly(1);
		assertThat(sources.get("default").container().getState()).isEqualTo(ReplicationState.STREAMING);
		assertThat(sources.get("billing").container().getState()).isEqualTo(ReplicationState.FAILED);
		assertThat(sources.isRunning()).isFalse();
	}

	@Test
	void withoutAutoStartupAnExplicitStartStartsEverySource() {
		ConfigurableApplicationContext context = start(SameDatabase.class, "lode.auto-startup=false",
				"lode.sources.fast.slot.name=" + this.slot + "_fast");
		LodeSources sources = context.getBean(LodeSources.class);
		assertThat(sources.get("fast").container().getState()).isEqualTo(ReplicationState.NEW);
		assertThat(sources.get("default").container().getState()).isEqualTo(ReplicationState.NEW);

		context.start();

		assertThat(sources.get("fast").container().isRunning()).isTrue();
		assertThat(sources.get("default").container().isRunning()).isTrue();
		sql("insert into orders values (1, 'alice', 10, 'new')");
		SameDatabase listeners = context.getBean(SameDatabase.class);
		await().atMost(WAIT).until(() -> listeners.orders.size() == 1 && listeners.fast.size() == 1);
	}

	@Test
	void aListenerOfAnUnknownSourceFailsStartupWithTheKnownNames() {
		assertThatThrownBy(() -> start(UnknownSource.class, "lode.sources.billing.slot.name=" + this.slot + "_billing"))
			.hasRootCauseInstanceOf(InvalidListenerMethodException.class)
			.rootCause()
			.hasMessageContaining("it names the source 'biling'")
			.hasMessageContaining("[default, billing]");
	}

	@Test
	void twoSourcesOnTheSameSlotOfTheSameDatabaseFailStartup() {
		assertThatThrownBy(() -> start(RecordingOrders.class, "lode.sources.copy.slot.name=" + this.slot))
			.rootCause()
			.hasMessageContaining("lode sources 'default' and 'copy' stream the same slot");
	}

	private static boolean acknowledged(LodeSources sources, String name, Lsn target) {
		WalReplicationContainer container = sources.get(name).container();
		Lsn acknowledged = container.getLastAcknowledgedLsn();
		return acknowledged != null && acknowledged.compareTo(target) >= 0;
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoSources {

		final Recorder orders = new Recorder();

		final Recorder billingOrders = new Recorder();

		final Recorder invoices = new Recorder();

		final List<List<Object>> billingTransactions = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.orders.add(change);
		}

		@OnWalChange(source = "billing", table = "orders")
		void onBillingOrder(WalChange change) {
			this.billingOrders.add(change);
		}

		@OnWalChange(source = "billing", table = "invoices")
		void onInvoice(WalChange change) {
			this.invoices.add(change);
		}

		@OnWalTransaction(source = "billing")
		void onBillingTransaction(List<WalChange> changes) {
			this.billingTransactions.add(changes.stream().map((change) -> change.get("id")).toList());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SameDatabase {

		final Recorder orders = new Recorder();

		final Recorder fast = new Recorder();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.orders.add(change);
		}

		@OnWalChange(source = "fast", table = "orders")
		void onFastOrder(WalChange change) {
			this.fast.add(change);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BillingFails {

		final Recorder orders = new Recorder();

		final List<String> failed = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.orders.add(change);
		}

		@OnWalChange(source = "billing", table = "invoices")
		void onInvoice(WalChange change) {
			throw new IllegalStateException("billing is down");
		}

		@EventListener
		void onFailed(WalStreamingFailedEvent event) {
			this.failed.add(event.getSourceName());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownSource {

		@OnWalChange(source = "biling", table = "invoices")
		void onInvoice(WalChange change) {
		}

	}

}
