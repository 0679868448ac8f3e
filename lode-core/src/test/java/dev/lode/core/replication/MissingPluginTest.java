package dev.lode.core.replication;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import dev.lode.core.Lsn;
import dev.lode.core.decode.DecodeSink;
import dev.lode.core.decode.WalDecoder;
import dev.lode.test.PrivateCluster;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * Output plugins the server will not load: one that is not installed (install instructions), and one
 * that PostgreSQL's {@code output_plugin_libraries} (the security releases of August 2026 on) does not
 * list (the setting, the SQL that lists it, and pgoutput as the alternative). Each on a private cluster
 * whose setting the test controls.
 */
class MissingPluginTest {

	private static final String DEFAULT_LIST = "output_plugin_libraries = 'pgoutput, test_decoding'";

	@Test
	void aMissingOutputPluginFailsWithInstallInstructions() throws Exception {
		try (PrivateCluster pg = PrivateCluster
			.start("output_plugin_libraries = 'pgoutput, test_decoding, wal2json, wal2json_not_installed'")) {
			requireAllowList(pg);
			assertThatThrownBy(() -> loop(pg, pg.username(), pg.password(), "wal2json_not_installed").open(true))
				.isInstanceOf(ReplicationSetupException.class)
				.hasMessageContaining(
						"The output plugin 'wal2json_not_installed' is not installed on the PostgreSQL server")
				.satisfies((ex) -> assertThat(((ReplicationSetupException) ex).action())
					.contains("Install the output plugin"));
		}
	}

	@Test
	void theWal2jsonInstallHintNamesThePackage() {
		assertThat(SlotManager.installHint("wal2json")).contains("apt-get install postgresql-<version>-wal2json")
			.contains("pgoutput");
	}

	@Test
	void anUnlistedPluginIsRefusedBeforeTheSlotIsCreatedAndTheSuggestedSqlLiftsIt() throws Exception {
		try (PrivateCluster pg = PrivateCluster.start(DEFAULT_LIST)) {
			String version = requireAllowList(pg);
			ReplicationSetupException refused = catchThrowableOfType(ReplicationSetupException.class,
					() -> loop(pg, pg.username(), pg.password(), "wal2json").open(true));
			assertThat(refused).hasMessageContaining("PostgreSQL " + version + " refuses the output plugin 'wal2json'")
				.hasMessageContaining("output_plugin_libraries (currently 'pgoutput, test_decoding')")
				.hasMessageNotContaining("may not create replication slots");
			String sql = "ALTER SYSTEM SET output_plugin_libraries = 'pgoutput', 'test_decoding', 'wal2json';"
					+ " SELECT pg_reload_conf();";
			assertThat(refused.action()).contains(sql).contains("lode.plugin=pgoutput");
			assertThat(slotCount(pg)).as("no slot was created").isZero();

			// the fix, exactly as printed, works
			execute(pg, pg.username(), pg.password(), sql);
			awaitSetting(pg, "pgoutput, test_decoding, wal2json");
			ReplicationLoop fixed = loop(pg, pg.username(), pg.password(), "wal2json");
			fixed.open(true);
			fixed.abort();
			assertThat(slotCount(pg)).isEqualTo(1);
		}
	}

	@Test
	void aRoleThatMayNotReadTheSettingGetsTheServersRefusalExplained() throws Exception {
		try (PrivateCluster pg = PrivateCluster.start(DEFAULT_LIST)) {
			requireAllowList(pg);
			execute(pg, pg.username(), pg.password(), "create role lode_repl login replication password 'repl-pw'");
			ReplicationSetupException refused = catchThrowableOfType(ReplicationSetupException.class,
					() -> loop(pg, "lode_repl", "repl-pw", "wal2json").open(true));
			assertThat(refused).hasMessageContaining("refuses the output plugin 'wal2json'")
				.hasMessageContaining("which role 'lode_repl' may not read (it needs pg_read_all_settings)")
				.hasMessageNotContaining("may not create replication slots")
				.hasCauseInstanceOf(SQLException.class);
			assertThat(refused.action()).contains(
					"ALTER SYSTEM SET output_plugin_libraries = 'pgoutput', 'test_decoding', 'wal2json';");
		}
	}

	@Test
	void listSettingsAreReadAsTheServerReadsThem() {
		assertThat(OutputPluginAllowList.parse("pgoutput, test_decoding")).containsExactly("pgoutput", "test_decoding");
		assertThat(OutputPluginAllowList.parse("\"pgoutput, wal2json\"")).containsExactly("pgoutput, wal2json");
		assertThat(OutputPluginAllowList.parse(" wal2json ,$libdir/decoderbufs,")).containsExactly("wal2json",
				"$libdir/decoderbufs");
		assertThat(OutputPluginAllowList.parse("")).isEmpty();
	}

	/** @return the server version; fails when the server predates output_plugin_libraries */
	static String requireAllowList(PrivateCluster pg) throws SQLException {
		try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.username(), pg.password());
				Statement s = c.createStatement();
				var rs = s.executeQuery("select current_setting('server_version'),"
						+ " current_setting('output_plugin_libraries', true)")) {
			rs.next();
			if (rs.getString(2) == null) {
				fail("This test needs a PostgreSQL release with output_plugin_libraries (15.19, 16.15, 17.11, 18.6 or"
						+ " later), not " + rs.getString(1) + ": apt-get install -y postgresql-15 postgresql-15-wal2json");
			}
			return rs.getString(1).split(" ")[0];
		}
	}

	private static void awaitSetting(PrivateCluster pg, String expected) throws Exception {
		for (int i = 0; i < 500; i++) {
			try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.username(), pg.password());
					Statement s = c.createStatement();
					var rs = s.executeQuery("show output_plugin_libraries")) {
				rs.next();
				if (expected.equals(rs.getString(1))) {
					return;
				}
			}
			Thread.sleep(20);
		}
		fail("output_plugin_libraries never became '" + expected + "'");
	}

	private static int slotCount(PrivateCluster pg) throws SQLException {
		try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.username(), pg.password());
				Statement s = c.createStatement();
				var rs = s.executeQuery("select count(*) from pg_replication_slots")) {
			rs.next();
			return rs.getInt(1);
		}
	}

	private static void execute(PrivateCluster pg, String user, String password, String sql) throws SQLException {
		try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), user, password);
				Statement s = c.createStatement()) {
			for (String statement : sql.split(";")) {
				if (!statement.isBlank()) {
					s.execute(statement);
				}
			}
		}
	}

	private static ReplicationLoop loop(PrivateCluster pg, String user, String password, String plugin) {
		ReplicationSettings settings = ReplicationSettings.of(pg.jdbcUrl("postgres"), user, password)
			.withSlotName("lode_plugin_test");
		return new ReplicationLoop(settings, new PluginOnly(plugin), (change) -> {
		}, ReplicationObserver.NONE);
	}

	private record PluginOnly(String plugin) implements WalDecoder {

		@Override
		public Map<String, String> slotOptions() {
			return Map.of();
		}

		@Override
		public void decode(ByteBuffer payload, Lsn messageLsn, DecodeSink sink) {
		}

		@Override
		public void reset() {
		}

	}

}
