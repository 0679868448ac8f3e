package dev.lode.spring;

import java.util.ArrayList;
import java.util.List;

import dev.lode.core.Lsn;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthContributorAutoConfiguration;
import dev.lode.test.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Base of integration tests that run lode in a Spring application against the shared test
 * PostgreSQL (or the matrix's, see {@link #PLUGIN_PROPERTY}): a fresh database with an {@code orders} table and a slot of its own per test.
 */
abstract class LodeTestApps {

	/**
	 * System property with the plugin the applications use unless a test names one: the PostgreSQL
	 * version matrix sets {@code pgoutput} (its server builds have no wal2json) and leaves out the
	 * tests tagged {@code wal2json}.
	 */
	static final String PLUGIN_PROPERTY = "lode.test.plugin";

	protected TestPostgres pg;

	protected String db;

	protected String slot;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void createDatabase() {
		this.pg = TestPostgres.get();
		this.db = this.pg.createDatabase(getClass().getSimpleName());
		this.slot = this.db;
		this.pg.execute(this.db,
				"create table orders (id int primary key, customer text not null, amount numeric(12,2), status text)",
				"create table other (id int primary key, note text)");
	}

	/** Further databases of the test (sources of their own), whose slots are dropped after it too. */
	protected final List<String> otherDatabases = new ArrayList<>();

	@AfterEach
	void closeContextsAndDropSlot() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.pg.execute(this.db, "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
				+ " where slot_name = '" + this.slot + "' and not active");
		for (String database : this.otherDatabases) {
			this.pg.execute(database, "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
					+ " where database = current_database() and not active");
		}
	}

	/**
	 * Starts an application with lode and the given configuration classes.
	 */
	protected ConfigurableApplicationContext start(Class<?> config, String... properties) {
		List<String> props = new ArrayList<>(List.of("lode.url=" + this.pg.jdbcUrl(this.db),
				"lode.username=" + this.pg.username(), "lode.password=" + this.pg.password(),
				"lode.slot.name=" + this.slot, "lode.status-interval=500ms", "lode.shutdown.timeout=2s"));
		String plugin = System.getProperty(PLUGIN_PROPERTY);
		if (plugin != null && !plugin.isBlank()) {
			props.add("lode.plugin=" + plugin);
		}
		props.addAll(List.of(properties));
		ConfigurableApplicationContext context = run(config, props);
		this.contexts.add(context);
		return context;
	}

	/** Runs a non-web application with lode, its health indicator and the configuration class. */
	static ConfigurableApplicationContext run(Class<?> config, List<String> properties) {
		return new SpringApplicationBuilder(config, LodeBase.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	protected void sql(String... statements) {
		this.pg.execute(this.db, statements);
	}

	protected Lsn confirmedFlushLsn() {
		return Lsn.parse(this.pg.queryForString(this.db,
				"select confirmed_flush_lsn::text from pg_replication_slots where slot_name = '" + this.slot + "'"));
	}

	protected boolean slotActive() {
		return "t".equals(this.pg.queryForString(this.db,
				"select active from pg_replication_slots where slot_name = '" + this.slot + "'"));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LodeAutoConfiguration.class, LodeHealthContributorAutoConfiguration.class })
	static class LodeBase {

	}

}
