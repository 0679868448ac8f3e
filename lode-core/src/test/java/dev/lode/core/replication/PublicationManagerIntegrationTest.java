package dev.lode.core.replication;

import java.sql.Connection;
import java.util.EnumSet;
import java.util.List;

import dev.lode.core.ChangeKind;
import dev.lode.core.WatchedTable;
import dev.lode.test.TestPostgres;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link PublicationManager} against a real server. */
@WithPostgres
class PublicationManagerIntegrationTest {

	private static WatchedTable watch(String schema, String table, ChangeKind... kinds) {
		return new WatchedTable(schema, table, EnumSet.of(kinds[0], kinds));
	}

	@Test
	void createsAPublicationOfTheWatchedTablesAndKindsWithQuotedNames(TestPostgres pg) throws Exception {
		String db = pg.createDatabase("pub");
		pg.execute(db, "CREATE SCHEMA \"Sch.ema\"", "CREATE TABLE \"Sch.ema\".\"Tä\"\"ble\" (id int PRIMARY KEY)",
				"CREATE TABLE public.t (id int PRIMARY KEY)", "CREATE SCHEMA s2", "CREATE TABLE s2.t (id int PRIMARY KEY)",
				"CREATE TABLE public.unwatched (id int)");
		try (Connection c = pg.connect(db)) {
			new PublicationManager(c).ensure("Pub \"x\"", List.of(watch("Sch.ema", "Tä\"ble", ChangeKind.INSERT),
					watch(null, "t", ChangeKind.DELETE)), true, false);
		}
		assertThat(pg.queryForString(db, "select string_agg(schemaname || '.' || tablename, ',')"
				+ " from pg_publication_tables where pubname = 'Pub \"x\"'").split(","))
			.containsExactlyInAnyOrder("Sch.ema.Tä\"ble", "public.t", "s2.t");
		assertThat(pg.queryForString(db, "select pubinsert::text || pubupdate || pubdelete || pubtruncate"
				+ " from pg_publication where pubname = 'Pub \"x\"'")).isEqualTo("truefalsetruefalse");
	}

	@Test
	void allTablesWhenAListenerWatchesAll(TestPostgres pg) throws Exception {
		String db = pg.createDatabase("pub");
		try (Connection c = pg.connect(db)) {
			new PublicationManager(c).ensure("all_pub", List.of(watch(null, null, ChangeKind.INSERT)), true, false);
		}
		assertThat(pg.queryForString(db, "select puballtables from pg_publication where pubname = 'all_pub'"))
			.isEqualTo("t");
	}

	@Test
	void refusesToPublishUpdatesOfTablesWithoutReplicaIdentity(TestPostgres pg) throws Exception {
		String db = pg.createDatabase("pub");
		pg.execute(db, "CREATE TABLE nopk (id int)");
		try (Connection c = pg.connect(db)) {
			assertThatThrownBy(() -> new PublicationManager(c).ensure("p", List.of(), true, false))
				.isInstanceOf(ReplicationSetupException.class)
				.hasMessageContaining("\"public\".\"nopk\"");
			// insert only is harmless
			new PublicationManager(c).ensure("p", List.of(watch(null, null, ChangeKind.INSERT)), true, false);
		}
		pg.execute(db, "UPDATE nopk SET id = 1");
	}

	@Test
	void missingPublicationOfAnExistingSlotIsASetupError(TestPostgres pg) throws Exception {
		String db = pg.createDatabase("pub");
		try (Connection c = pg.connect(db)) {
			assertThatThrownBy(() -> new PublicationManager(c).ensure("late", List.of(), false, true))
				.isInstanceOfSatisfying(ReplicationSetupException.class,
						(ex) -> assertThat(ex.action()).contains("CREATE PUBLICATION \"late\"")
							.contains("pg_drop_replication_slot"))
				.hasMessageContaining("does not exist");
		}
	}

	@Test
	void existingPublicationsAreUsedAsTheyAreUnlessLodeManagesThem(TestPostgres pg) throws Exception {
		String db = pg.createDatabase("pub");
		pg.execute(db, "CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)",
				"CREATE PUBLICATION theirs FOR TABLE a WITH (publish = 'insert')",
				"CREATE PUBLICATION lode_x FOR TABLE a WITH (publish = 'insert')");
		List<WatchedTable> watched = List.of(watch("public", "b", ChangeKind.UPDATE));
		try (Connection c = pg.connect(db)) {
			PublicationManager manager = new PublicationManager(c);
			manager.ensure("theirs", watched, false, true);
			manager.ensure("lode_x", watched, true, true);
			assertThat(manager.exists("theirs")).isTrue();
		}
		assertThat(pg.queryForString(db, "select count(*) from pg_publication_tables where pubname = 'theirs'"))
			.isEqualTo("1");
		assertThat(pg.queryForString(db, "select count(*) from pg_publication_tables where pubname = 'lode_x'"))
			.isEqualTo("2");
		assertThat(pg.queryForString(db, "select pubupdate from pg_publication where pubname = 'lode_x'"))
			.isEqualTo("t");
	}

}
