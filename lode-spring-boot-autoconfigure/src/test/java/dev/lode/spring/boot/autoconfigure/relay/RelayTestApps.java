package dev.lode.spring.boot.autoconfigure.relay;

import java.util.ArrayList;
import java.util.List;

import dev.lode.core.Lsn;
import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import dev.lode.test.TestPostgres;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Base of the relay's integration tests: a database of its own per test (orders, customers, outbox), the shared
 * embedded broker ({@link RelayKafka}), an application with lode and the relay (topics prefixed with the database
 * name, as the broker is shared).
 */
@WithPostgres
abstract class RelayTestApps {

	protected TestPostgres pg;

	protected String db;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void createDatabase() {
		this.pg = TestPostgres.get();
		this.db = this.pg.createDatabase("relay");
		this.pg.execute(this.db,
				"create table orders (id int primary key, customer text not null, amount numeric(12,2), version int)",
				"create table customers (name text primary key, vip boolean)",
				"create table outbox (id uuid primary key, aggregatetype text not null, aggregateid text not null,"
						+ " type text not null, payload jsonb)");
	}

	@AfterEach
	void closeAndDropSlot() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.pg.execute(this.db, "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
				+ " where slot_name = '" + this.db + "' and not active");
	}

	protected ConfigurableApplicationContext start(String... properties) {
		return start(new Class<?>[0], properties);
	}

	/** Starts the relay application with more configuration classes. */
	protected ConfigurableApplicationContext start(Class<?>[] sources, String... properties) {
		List<String> all = new ArrayList<>(List.of("lode.url=" + this.pg.jdbcUrl(this.db),
				"lode.username=" + this.pg.username(), "lode.password=" + this.pg.password(),
				"lode.slot.name=" + this.db, "lode.status-interval=500ms", "lode.shutdown.timeout=2s",
				"spring.kafka.bootstrap-servers=" + bootstrapServers(), "lode.relay.kafka.enabled=true",
				"lode.relay.kafka.topic-prefix=" + prefix()));
		String plugin = System.getProperty("lode.test.plugin");
		if (plugin != null && !plugin.isBlank()) {
			all.add("lode.plugin=" + plugin);
		}
		all.addAll(List.of(properties));
		List<Class<?>> classes = new ArrayList<>(List.of(RelayApplication.class, BootLine.KAFKA_AUTO_CONFIGURATION));
		classes.addAll(List.of(sources));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(classes.toArray(Class<?>[]::new))
			.web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return context;
	}

	/** The broker the relay sends to. */
	protected String bootstrapServers() {
		return RelayKafka.bootstrapServers();
	}

	/** Topics of this test's database: the broker is shared by the tests. */
	protected String prefix() {
		return this.db;
	}

	protected void sql(String statements) {
		this.pg.execute(this.db, statements);
	}

	protected Lsn confirmed() {
		return Lsn.parse(this.pg.queryForString(this.db,
				"select confirmed_flush_lsn::text from pg_replication_slots where slot_name = '" + this.db + "'"));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LodeAutoConfiguration.class, LodeKafkaRelayAutoConfiguration.class })
	static class RelayApplication {

	}

}
