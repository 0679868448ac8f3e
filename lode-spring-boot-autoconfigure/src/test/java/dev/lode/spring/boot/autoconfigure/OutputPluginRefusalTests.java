package dev.lode.spring.boot.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.event.WalStreamingFailedEvent;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthContributorAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import dev.lode.test.PrivateCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL's security releases of August 2026 refuse output plugins that
 * {@code output_plugin_libraries} does not list (wal2json by default): at slot creation, and at
 * {@code START_REPLICATION} of an existing slot. Each case stops lode with the setting and both fixes,
 * once, without reconnecting in a loop. A private cluster per test, because the tests change the
 * server's setting.
 */
class OutputPluginRefusalTests {

	private static final String WAL2JSON_REFUSED = "output_plugin_libraries = 'pgoutput, test_decoding'";

	private static final String FIX = "ALTER SYSTEM SET output_plugin_libraries = 'pgoutput', 'test_decoding',"
			+ " 'wal2json'; SELECT pg_reload_conf();";

	private PrivateCluster pg;

	private String version;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void noCluster() {
		this.pg = null;
	}

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		if (this.pg != null) {
			this.pg.close();
		}
	}

	@Test
	void refusedAtSlotCreationStopsStartupWithTheSettingAndBothFixes() throws SQLException {
		cluster(WAL2JSON_REFUSED);
		FailureAnalysis analysis = startupFailure(this.pg.username(), this.pg.password());
		assertThat(analysis.getDescription())
			.contains("PostgreSQL " + this.version + " refuses the output plugin 'wal2json'")
			.contains("output_plugin_libraries (currently 'pgoutput, test_decoding')")
			.doesNotContain("may not create replication slots");
		assertThat(analysis.getAction()).contains(FIX).contains("lode.plugin=pgoutput");
		assertThat(query("select count(*) from pg_replication_slots")).isEqualTo("0");
	}

	@Test
	void aRoleWithoutReplicationGetsTheReplicationMessageOnly() throws SQLException {
		cluster(WAL2JSON_REFUSED);
		sql("create role lode_norepl login password 'norepl-pw'", "grant pg_read_all_settings to lode_norepl");
		FailureAnalysis analysis = startupFailure("lode_norepl", "norepl-pw");
		// wal2json is refused here too, yet the missing privilege is what the role must be told first
		assertThat(analysis.getDescription()).contains("User 'lode_norepl' may not")
			.doesNotContain("output_plugin_libraries")
			.doesNotContain("output plugin");
		assertThat(analysis.getAction()).contains("ALTER ROLE lode_norepl REPLICATION")
			.doesNotContain("output_plugin_libraries");
	}

	@Test
	void refusedAtStartReplicationOfAnExistingSlotIsExplainedToo() throws SQLException {
		cluster("");
		// the slot exists from before the server's update; lode's role may not read the setting
		sql("select pg_create_logical_replication_slot('lode_main', 'wal2json')",
				"create role lode_repl login replication password 'repl-pw'",
				// lode's record of its stream, made by the DBA as lode's startup failure would say (no CREATE on public)
				new dev.lode.core.replication.StreamRecordStore(null, "lode_main").ddl(),
				"grant select, insert, update on lode_stream_record to lode_repl", "alter system set output_plugin_libraries"
						+ " = 'pgoutput', 'test_decoding'",
				"select pg_reload_conf()");
		this.pg.awaitParameter("output_plugin_libraries", "pgoutput, test_decoding");
		FailureAnalysis analysis = startupFailure("lode_repl", "repl-pw");
		assertThat(analysis.getDescription()).contains("refuses the output plugin 'wal2json'")
			.contains("which role 'lode_repl' may not read")
			.doesNotContain("may not open a replication connection");
		assertThat(analysis.getAction()).contains(FIX).contains("lode.plugin=pgoutput");
		assertThat(query("select plugin from pg_replication_slots where slot_name = 'lode_main'")).isEqualTo("wal2json");
	}

	@Test
	void refusedAfterAReloadWhileStreamingStopsOnceWithHealthDown() throws SQLException {
		cluster("");
		ConfigurableApplicationContext context = start(this.pg.username(), this.pg.password(),
				"lode.reconnect.initial-interval=100ms", "lode.reconnect.max-interval=200ms");
		Orders orders = context.getBean(Orders.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		sql("insert into orders values (1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> orders.ids.contains(1));

		// an administrator's change (or a minor update) lands; the next session of the slot is refused
		sql("alter system set output_plugin_libraries = 'pgoutput', 'test_decoding'", "select pg_reload_conf()");
		this.pg.awaitParameter("output_plugin_libraries", "pgoutput, test_decoding");
		sql("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = 'lode_main'");

		await().atMost(Duration.ofSeconds(30)).until(() -> container.getState() == ReplicationState.FAILED);
		assertThat(container.getLastError()).hasMessageContaining("refuses the output plugin 'wal2json'")
			.hasMessageContaining("currently 'pgoutput, test_decoding'");
		assertThat(container.getReconnectCount()).as("one reconnect, then a permanent error").isEqualTo(1);
		assertThat(container.isRunning()).isFalse();
		assertThat(orders.failures).hasSize(1);
		assertThat(orders.failures.get(0).getCause()).hasMessageContaining("refuses the output plugin 'wal2json'");
		LodeHealthIndicator health = context.getBean(LodeHealthIndicator.class);
		assertThat(BootLine.status(health)).isEqualTo("DOWN");
		assertThat(BootLine.details(health).get("error").toString()).contains("refuses the output plugin 'wal2json'");
		assertThat(BootLine.details(health).get("action").toString()).contains(FIX);
	}

	private void cluster(String conf) throws SQLException {
		this.pg = PrivateCluster.start(conf);
		this.version = this.pg.requireOutputPluginLibraries();
		sql("create table orders (id int primary key, status text)");
	}

	private FailureAnalysis startupFailure(String user, String password) {
		Throwable failure = catchThrowable(() -> start(user, password));
		assertThat(failure).as("startup should fail").isNotNull();
		FailureAnalysis analysis = new LodeFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("a lode failure analysis for %s", failure).isNotNull();
		return analysis;
	}

	private ConfigurableApplicationContext start(String user, String password, String... more) {
		List<String> props = new ArrayList<>(List.of("lode.url=" + this.pg.jdbcUrl("postgres"), "lode.username=" + user,
				"lode.password=" + password, "lode.plugin=wal2json", "lode.status-interval=500ms",
				"lode.shutdown.timeout=2s"));
		props.addAll(List.of(more));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Orders.class, Base.class)
			.web(WebApplicationType.NONE)
			.properties(props.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return context;
	}

	private void sql(String... statements) throws SQLException {
		this.pg.execute(statements);
	}

	private String query(String sql) throws SQLException {
		return this.pg.queryForString(sql);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LodeAutoConfiguration.class, LodeHealthContributorAutoConfiguration.class })
	static class Base {

	}

	@Configuration(proxyBeanMethods = false)
	static class Orders {

		final List<Integer> ids = new CopyOnWriteArrayList<>();

		final List<WalStreamingFailedEvent> failures = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.ids.add(((Number) change.get("id")).intValue());
		}

		@EventListener
		void onFailure(WalStreamingFailedEvent event) {
			this.failures.add(event);
		}

	}

}
