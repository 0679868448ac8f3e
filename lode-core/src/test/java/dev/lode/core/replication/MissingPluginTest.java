package dev.lode.core.replication;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.Map;

import dev.lode.core.Lsn;
import dev.lode.core.decode.DecodeSink;
import dev.lode.core.decode.WalDecoder;
import dev.lode.test.PrivateCluster;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
			pg.requireOutputPluginLibraries();
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
			String version = pg.requireOutputPluginLibraries();
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
			pg.execute(sql.split(";\\s*(?=S|$)"));
			pg.awaitParameter("output_plugin_libraries", "pgoutput, test_decoding, wal2json");
			ReplicationLoop fixed = loop(pg, pg.username(), pg.password(), "wal2json");
			fixed.open(true);
			fixed.abort();
			assertThat(slotCount(pg)).isEqualTo(1);
		}
	}

	@Test
	void aRoleThatMayNotReadTheSettingGetsTheServersRefusalExplained() throws Exception {
		try (PrivateCluster pg = PrivateCluster.start(DEFAULT_LIST)) {
			pg.requireOutputPluginLibraries();
			pg.execute("create role lode_repl login replication password 'repl-pw'",
					// lode's record of its stream, made by the DBA (the role may not create tables in public)
					new StreamRecordStore(null, "lode_main").ddl(),
					"grant select, insert, update on lode_stream_record to lode_repl");
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

	private static int slotCount(PrivateCluster pg) throws SQLException {
		return Integer.parseInt(pg.queryForString("select count(*) from pg_replication_slots"));
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
