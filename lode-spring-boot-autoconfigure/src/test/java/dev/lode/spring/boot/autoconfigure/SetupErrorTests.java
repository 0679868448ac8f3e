package dev.lode.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.test.PrivateCluster;
import dev.lode.test.TestPostgres;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every misconfiguration a user can make stops startup with a message that names the problem and
 * the fix (a Spring Boot failure analysis), and never shows a password.
 */
@WithPostgres
@ExtendWith(OutputCaptureExtension.class)
class SetupErrorTests {

	private static final String WRONG_PASSWORD = "wrong-Secret-4711";

	private static final String NOREPL_PASSWORD = "norepl-Secret-0815";

	private TestPostgres pg;

	private String db;

	private String slot;

	private final List<String> createdSlots = new ArrayList<>();

	@BeforeEach
	void createDatabase() {
		this.pg = TestPostgres.get();
		this.db = this.pg.createDatabase("setup");
		this.slot = this.db;
		this.pg.execute(this.db, "create table orders (id int primary key, status text)",
				"create table nopk (id int, note text)");
	}

	@AfterEach
	void dropSlots() {
		for (String name : this.createdSlots) {
			this.pg.execute("postgres", "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
					+ " where slot_name = '" + name + "' and not active");
		}
	}

	@Test
	void unreachableHost(CapturedOutput output) {
		FailureAnalysis analysis = startupFailure(Listener.class, "lode.url=jdbc:postgresql://127.0.0.1:1/postgres");
		assertThat(analysis.getDescription()).contains("Cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/postgres");
		assertThat(analysis.getAction()).contains("host and port");
	}

	@Test
	void wrongPassword(CapturedOutput output) {
		FailureAnalysis analysis = startupFailure(Listener.class, "lode.password=" + WRONG_PASSWORD);
		assertThat(analysis.getDescription()).contains("rejected the login of user 'postgres'");
		assertThat(analysis.getAction()).contains("lode.password");
		assertThat(analysis.getDescription() + analysis.getAction() + output).doesNotContain(WRONG_PASSWORD);
	}

	@Test
	void wrongPasswordOfTheUserInTheUrlNamesThatUser(CapturedOutput output) {
		// pgjdbc lets the URL's user win over lode.username: the message names the user that was used
		FailureAnalysis analysis = startupFailure(Listener.class,
				"lode.url=" + this.pg.jdbcUrl(this.db) + "?user=app_repl&password=" + WRONG_PASSWORD);
		assertThat(analysis.getDescription()).contains("rejected the login of user 'app_repl'")
			.doesNotContain("'postgres'");
		assertThat(analysis.getDescription() + analysis.getAction() + output).doesNotContain(WRONG_PASSWORD);
	}

	@Test
	void passwordInTheUrlIsNotShown(CapturedOutput output) {
		FailureAnalysis analysis = startupFailure(Listener.class, "lode.url=" + this.pg.jdbcUrl("no_such_db")
				+ "?password=" + WRONG_PASSWORD, "lode.password=");
		assertThat(analysis.getDescription()).contains("password=******");
		assertThat(analysis.getDescription() + analysis.getAction() + output).doesNotContain(WRONG_PASSWORD);
	}

	@Test
	void databaseMissing() {
		FailureAnalysis analysis = startupFailure(Listener.class, "lode.url=" + this.pg.jdbcUrl("no_such_database"));
		assertThat(analysis.getDescription()).contains("The database in").contains("no_such_database").contains("does not exist");
		assertThat(analysis.getAction()).contains("Create the database");
	}

	@Test
	void walLevelNotLogical() {
		try (PrivateCluster replica = PrivateCluster.start("wal_level = replica")) {
			FailureAnalysis analysis = startupFailure(Listener.class, "lode.url=" + replica.jdbcUrl("postgres"),
					"lode.username=" + replica.username(), "lode.password=" + replica.password());
			assertThat(analysis.getDescription()).contains("wal_level is 'replica'");
			assertThat(analysis.getAction()).contains("ALTER SYSTEM SET wal_level = logical");
		}
	}

	@Test
	void maxReplicationSlotsExhausted() {
		try (PrivateCluster full = PrivateCluster.start("max_replication_slots = 1")) {
			try (var c = java.sql.DriverManager.getConnection(full.jdbcUrl("postgres"), full.username(),
					full.password()); var s = c.createStatement()) {
				s.execute("select pg_create_physical_replication_slot('occupied')");
				s.execute("create table orders (id int primary key, status text)");
			}
			catch (java.sql.SQLException ex) {
				throw new IllegalStateException(ex);
			}
			FailureAnalysis analysis = startupFailure(Listener.class, "lode.url=" + full.jdbcUrl("postgres"),
					"lode.username=" + full.username(), "lode.password=" + full.password());
			assertThat(analysis.getDescription()).contains("all replication slots are in use");
			assertThat(analysis.getAction()).contains("max_replication_slots");
		}
	}

	@Test
	void roleWithoutReplication(CapturedOutput output) {
		this.pg.execute("postgres", "do $$ begin if not exists (select from pg_roles where rolname = 'lode_norepl')"
				+ " then create role lode_norepl login password '" + NOREPL_PASSWORD + "'; end if; end $$");
		FailureAnalysis analysis = startupFailure(Listener.class, "lode.username=lode_norepl",
				"lode.password=" + NOREPL_PASSWORD);
		assertThat(analysis.getDescription()).contains("User 'lode_norepl' may not");
		assertThat(analysis.getAction()).contains("ALTER ROLE lode_norepl REPLICATION");
		assertThat(analysis.getDescription() + analysis.getAction() + output).doesNotContain(NOREPL_PASSWORD);
	}

	@Test
	void slotCreatedWithAnotherPlugin() {
		this.pg.execute(this.db, "select pg_create_logical_replication_slot('" + this.slot + "', 'test_decoding')");
		this.createdSlots.add(this.slot);
		FailureAnalysis analysis = startupFailure(Listener.class);
		assertThat(analysis.getDescription()).contains("uses the output plugin 'test_decoding'")
			.contains("configured for 'wal2json'");
		assertThat(analysis.getAction()).contains("lode.slot.name");
	}

	@Test
	void slotOfAnotherDatabase() {
		String other = this.pg.createDatabase("setup_other");
		this.pg.execute(other, "select pg_create_logical_replication_slot('" + this.slot + "', 'wal2json')");
		this.createdSlots.add(this.slot);
		FailureAnalysis analysis = startupFailure(Listener.class);
		assertThat(analysis.getDescription()).contains("belongs to database '" + other + "'")
			.contains("lode connects to database '" + this.db + "'");
	}

	@Test
	void invalidSlotName() {
		// rejected when lode.* is bound, before any connection; Spring Boot's bind-validation analysis
		// reports property, value and reason
		Throwable failure = catchThrowable(() -> start(Listener.class, "lode.slot.name=Bad-Name").close());
		assertThat(failure).rootCause()
			.isInstanceOf(org.springframework.boot.context.properties.bind.validation.BindValidationException.class)
			.hasMessageContaining("lode.slot.name")
			.hasMessageContaining("must be 1 to 63 lower case letters, digits and underscores");
	}

	@Test
	void annotatedTableDoesNotExist() {
		FailureAnalysis analysis = startupFailure(MissingTableListener.class);
		assertThat(analysis.getDescription()).contains("table 'missing_table' does not exist");
		assertThat(analysis.getAction()).contains("@OnWalChange(table = \"missing_table\")");
	}

	@Test
	void updateListenerOnTableWithoutReplicaIdentity() {
		FailureAnalysis analysis = startupFailure(NoPrimaryKeyListener.class);
		assertThat(analysis.getDescription()).contains("table 'public.nopk' has no primary key or replica identity");
		assertThat(analysis.getAction()).contains("ALTER TABLE \"public\".\"nopk\" REPLICA IDENTITY FULL");
	}

	@Test
	void insertOnlyListenerOnTableWithoutReplicaIdentityIsFine() {
		var context = start(NoPrimaryKeyInsertListener.class);
		context.close();
	}

	private FailureAnalysis startupFailure(Class<?> config, String... properties) {
		Throwable failure = catchThrowable(() -> start(config, properties).close());
		assertThat(failure).as("startup should fail").isNotNull();
		FailureAnalysis analysis = new LodeFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("a lode failure analysis for %s", failure).isNotNull();
		this.createdSlots.add(this.slot);
		return analysis;
	}

	private org.springframework.context.ConfigurableApplicationContext start(Class<?> config, String... properties) {
		List<String> props = new ArrayList<>(List.of("lode.url=" + this.pg.jdbcUrl(this.db),
				"lode.username=" + this.pg.username(), "lode.password=" + this.pg.password(),
				"lode.slot.name=" + this.slot));
		props.addAll(List.of(properties));
		this.createdSlots.add(this.slot);
		return new SpringApplicationBuilder(config, Base.class).web(WebApplicationType.NONE)
			.properties(props.toArray(String[]::new))
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(LodeAutoConfiguration.class)
	static class Base {

	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MissingTableListener {

		@OnWalChange(table = "missing_table")
		void onChange(WalChange change) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoPrimaryKeyListener {

		@OnWalChange(table = "nopk", kind = ChangeKind.UPDATE)
		void onChange(WalChange change) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoPrimaryKeyInsertListener {

		@OnWalChange(table = "nopk", kind = ChangeKind.INSERT)
		void onChange(WalChange change) {
		}

	}

}
