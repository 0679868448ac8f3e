package dev.lode.core.decode;

import java.util.EnumSet;
import java.util.List;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.core.WatchedTable;
import dev.lode.test.TestPostgres;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes of tables and kinds no listener watches are filtered on the server: wal2json's {@code add-tables} /
 * {@code actions}, pgoutput's publication. They never reach the client; at most the empty transaction frame
 * does (wal2json), which is still acknowledged.
 */
@WithPostgres
class ServerSideFilteringIntegrationTest {

	@ParameterizedTest
	@EnumSource(OutputFormat.class)
	void unwatchedTablesAndKindsNeverReachTheClient(OutputFormat format, TestPostgres pg) throws Exception {
		String db = pg.createDatabase("filter");
		pg.execute(db, "CREATE TABLE \"Watched, it's.odd\" (id integer PRIMARY KEY, v text)",
				"CREATE TABLE other (id integer PRIMARY KEY, v text)");
		List<WatchedTable> tables = List.of(
				new WatchedTable("public", "Watched, it's.odd", EnumSet.of(ChangeKind.INSERT, ChangeKind.UPDATE)));
		String slot = "filter_" + format.name().toLowerCase();
		try (LoopHarness loop = new LoopHarness(pg, db, slot, format.create(tables, null, slot), tables)) {
			loop.open("UTC");
			loop.start();
			pg.execute(db, "INSERT INTO other SELECT g, 'x' FROM generate_series(1, 500) g",
					"UPDATE other SET v = 'y'", "INSERT INTO \"Watched, it's.odd\" VALUES (1, 'a')",
					"DELETE FROM \"Watched, it's.odd\"", "INSERT INTO \"Watched, it's.odd\" VALUES (2, 'done')");
			loop.awaitChange((c) -> "done".equals(c.get("v")));
			assertThat(loop.changes()).extracting(WalChange::table).containsOnly("Watched, it's.odd");
			assertThat(loop.changes()).extracting(WalChange::kind).containsExactly(ChangeKind.INSERT, ChangeKind.INSERT);
			// 1000 filtered changes: at most the frames of the 5 transactions arrived
			assertThat(loop.received.get()).as("messages received").isLessThanOrEqualTo(16);
		}
	}

}
