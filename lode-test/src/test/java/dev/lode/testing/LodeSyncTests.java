package dev.lode.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.test.TestPostgres;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link LodeSync}: returns once every transaction committed before the call reached its listeners,
 * quickly on an idle server too, and fails with a message that says what is pending. The applications
 * find it as a user's do: by auto-configuration from this jar's imports, next to the starter's.
 */
@WithPostgres
class LodeSyncTests {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private TestPostgres pg;

	private String db;

	private String slot;

	@BeforeEach
	void createDatabase() {
		this.pg = TestPostgres.get();
		this.db = this.pg.createDatabase(getClass().getSimpleName());
		this.slot = this.db;
		this.pg.execute(this.db,
				"create table orders (id int primary key, customer text not null, amount numeric(12,2), status text)",
				"create table other (id int primary key, note text)");
	}

	@AfterEach
	void closeContextsAndDropSlot() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.pg.execute(this.db, "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
				+ " where database = current_database() and not active");
	}

	@Test
	void waitsForEverySourceOrForOneByName() {
		ConfigurableApplicationContext context = start(TwoSources.class, "lode.sources.copy.slot.name=" + this.slot + "_copy");
		TwoSources listeners = context.getBean(TwoSources.class);
		LodeSync sync = context.getBean(LodeSync.class);

		sql("insert into orders values (1, 'alice', 1, 'new')");
		sync.awaitProcessed(Duration.ofSeconds(20));
		assertThat(listeners.ids).containsExactly(1);
		assertThat(listeners.copies).containsExactly(1);

		sql("insert into orders values (2, 'bob', 1, 'new')");
		sync.awaitProcessed("copy", Duration.ofSeconds(20));
		assertThat(listeners.copies).containsExactly(1, 2);
		sync.awaitProcessed("default", Duration.ofSeconds(20));
		assertThat(listeners.ids).containsExactly(1, 2);
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> sync.awaitProcessed("nope", Duration.ofSeconds(1)))
			.withMessageContaining("[default, copy]");
	}

	@Test
	void returnsOnceTheListenersReceivedEverythingCommittedBefore() {
		// a long status interval: the wait must not depend on it
		ConfigurableApplicationContext context = start(Listener.class, "lode.status-interval=10s");
		Listener listener = context.getBean(Listener.class);
		LodeSync sync = context.getBean(LodeSync.class);
		for (int i = 1; i <= 3; i++) {
			sql("insert into orders values (" + i + ", 'alice', 1, 'new')");
			sync.awaitProcessed(Duration.ofSeconds(20));
			assertThat(listener.ids).hasSize(i).last().isEqualTo(i);
		}
		sql("update orders set status = 'paid'", "insert into other values (1, 'not watched')");
		sync.awaitProcessed(Duration.ofSeconds(20));
		assertThat(listener.ids).hasSize(6);
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

	@Test
	void isAutoConfiguredOnlyWhereLodeIs() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NoLode.class)
			.web(WebApplicationType.NONE)
			.properties("spring.autoconfigure.exclude=dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration")
			.run();
		this.contexts.add(context);
		assertThat(context.getBeanNamesForType(LodeSync.class)).isEmpty();
	}

	private ConfigurableApplicationContext start(Class<?> config, String... properties) {
		List<String> props = new ArrayList<>(List.of("lode.url=" + this.pg.jdbcUrl(this.db),
				"lode.username=" + this.pg.username(), "lode.password=" + this.pg.password(),
				"lode.slot.name=" + this.slot, "lode.status-interval=500ms", "lode.shutdown.timeout=2s"));
		String plugin = System.getProperty("lode.test.plugin");
		if (plugin != null && !plugin.isBlank()) {
			props.add("lode.plugin=" + plugin);
		}
		props.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(config)
			.web(WebApplicationType.NONE)
			.properties(props.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return context;
	}

	private void sql(String... statements) {
		this.pg.execute(this.db, statements);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TwoSources {

		final List<Object> ids = new CopyOnWriteArrayList<>();

		final List<Object> copies = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.ids.add(change.get("id"));
		}

		@OnWalChange(source = "copy", table = "orders")
		void onCopy(WalChange change) {
			this.copies.add(change.get("id"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Listener {

		final List<Object> ids = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.ids.add(change.get("id"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BlockedListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@OnWalChange(table = "orders", kind = ChangeKind.INSERT)
		void onOrder(WalChange change) throws InterruptedException {
			this.entered.countDown();
			this.release.await();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class NoLode {

	}

}
