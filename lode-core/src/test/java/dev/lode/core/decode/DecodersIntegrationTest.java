package dev.lode.core.decode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.test.TestPostgres;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Every format against a real server through {@link dev.lode.core.replication.ReplicationLoop}: one workload
 * (the captured scenarios' SQL), three slots created before it, one per format. The replication sessions run in
 * Asia/Kolkata, so {@code timestamptz} text arrives with {@code +05:30} and must still give the UTC values.
 */
@WithPostgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecodersIntegrationTest {

	private final Map<OutputFormat, LoopHarness> loops = new LinkedHashMap<>();

	@BeforeAll
	void streamTheWorkloadThroughEveryFormat(TestPostgres pg) throws Exception {
		String db = pg.createDatabase("decoders");
		pg.execute(db, "CREATE TABLE done (id integer PRIMARY KEY)");
		List<String> definitions = new ArrayList<>(List.of(
				"CREATE TABLE full_nulls (id integer PRIMARY KEY, note text, amount numeric)",
				"ALTER TABLE full_nulls REPLICA IDENTITY FULL",
				"CREATE TABLE specials (id integer PRIMARY KEY, r real, d double precision, n numeric)"));
		List<String> changes = new ArrayList<>();
		for (String scenario : List.of("s1", "s2", "s3", "s5")) {
			String sql = new String(Fixtures.bytes("captured/" + scenario + "/workload.sql"), StandardCharsets.UTF_8);
			if (scenario.equals("s5")) {
				sql = sql.replace("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');", "");
			}
			for (String statement : sql.split(";\\s*\\n")) {
				if (!statement.isBlank()) {
					// the tables exist before lode starts, as in an application (the wal2json decoders read the
					// catalog when the stream opens)
					(statement.strip().startsWith("CREATE") ? definitions : changes).add(statement);
				}
			}
		}
		pg.execute(db, definitions.toArray(String[]::new));
		for (OutputFormat format : OutputFormat.values()) {
			String slot = "it_" + format.name().toLowerCase();
			LoopHarness loop = new LoopHarness(pg, db, slot, format.create(List.of(), null, slot), List.of());
			this.loops.put(format, loop.open("Asia/Kolkata"));
		}
		changes.addAll(List.of("INSERT INTO full_nulls VALUES (1, NULL, 5)",
				"UPDATE full_nulls SET note = 'set', amount = NULL WHERE id = 1", "DELETE FROM full_nulls WHERE id = 1",
				"INSERT INTO specials VALUES (1, 'NaN', 'NaN', 'NaN'), (2, 'Infinity', 'Infinity', 'Infinity'),"
						+ " (3, '-Infinity', '-Infinity', '-Infinity'), (4, NULL, NULL, NULL)"));
		pg.execute(db, changes.toArray(String[]::new));
		pg.execute(db, "INSERT INTO done VALUES (1)");
		for (LoopHarness loop : this.loops.values()) {
			loop.start();
		}
		for (LoopHarness loop : this.loops.values()) {
			loop.awaitChange((c) -> c.table().equals("done"));
		}
	}

	@AfterAll
	void stop() throws Exception {
		for (LoopHarness loop : this.loops.values()) {
			loop.close();
		}
	}

	private WalChange row(OutputFormat format, String table, ChangeKind kind, int index) {
		return this.loops.get(format)
			.changes()
			.stream()
			.filter((c) -> c.table().equals(table) && c.kind() == kind)
			.toList()
			.get(index);
	}

	@ParameterizedTest
	@EnumSource(OutputFormat.class)
	void changesNameTheirTablesPrimaryKey(OutputFormat format) {
		WalChange insert = row(format, "specials", ChangeKind.INSERT, 0);
		assertThat(insert.keyColumns()).containsExactly("id");
		assertThat(insert.key()).containsExactly(1);
		WalChange delete = row(format, "full_nulls", ChangeKind.DELETE, 0);
		WalChange update = row(format, "full_nulls", ChangeKind.UPDATE, 0);
		assertThat(update.oldKey()).as("the key did not change").isEmpty();
		if (format == OutputFormat.PGOUTPUT) {
			// REPLICA IDENTITY FULL flags every column: pgoutput names no key (lanes order such tables by table)
			assertThat(delete.keyColumns()).isEmpty();
		}
		else {
			// wal2json: the catalog's primary key, read when the stream opened
			assertThat(delete.keyColumns()).containsExactly("id");
			assertThat(delete.key()).as("a DELETE's key is the old row's").containsExactly(1);
		}
	}

	@ParameterizedTest
	@EnumSource(OutputFormat.class)
	void everyTypeHasItsJavaType(OutputFormat format) {
		Map<String, Object> v = row(format, "all_types", ChangeKind.INSERT, 0).values();
		assertThat(v).containsEntry("id", 1)
			.containsEntry("c_small", 32767)
			.containsEntry("c_int", Integer.MIN_VALUE)
			.containsEntry("c_big", Long.MAX_VALUE)
			.containsEntry("c_num", new BigDecimal("1.50"))
			.containsEntry("c_numfree", new BigDecimal("12345678901234567890.123456789"))
			.containsEntry("c_real", 1.5f)
			.containsEntry("c_double", 0.1d)
			.containsEntry("c_bool", true)
			.containsEntry("c_text", "h\u00e9llo \"quoted\" back\\slash\nnew line\ttab \u65e5\u672c \uD83D\uDE00 end")
			.containsEntry("c_varchar", "varchar")
			.containsEntry("c_char", "ab   ")
			.containsEntry("c_uuid", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
			.containsEntry("c_date", LocalDate.of(2024, 2, 29))
			.containsEntry("c_time", LocalTime.parse("13:14:15.123456"))
			.containsEntry("c_ts", LocalDateTime.parse("2024-02-29T13:14:15.5"))
			.containsEntry("c_tstz", OffsetDateTime.parse("2024-02-29T13:14:15.123456Z"))
			.containsEntry("c_json", "{\"k\": [1, 2], \"s\": \"x\\\"y\"}")
			.containsEntry("c_jsonb", "{\"a\": [true, null], \"b\": 2}")
			.containsEntry("c_intarr", Arrays.asList(1, 2, null))
			.containsEntry("c_textarr", Arrays.asList("a b", "c,d", null, "\""))
			.containsEntry("c_mood", "happy")
			.containsEntry("c_oid", 4294967295L);
		assertThat((byte[]) v.get("c_bytea")).containsExactly(1, 2, 0xff);
		// the session's time zone shows in the raw text only
		assertThat(row(format, "all_types", ChangeKind.INSERT, 0).raw("c_tstz"))
			.isEqualTo("2024-02-29 18:44:15.123456+05:30");
		Map<String, Object> nulls = row(format, "all_types", ChangeKind.INSERT, 1).values();
		assertThat(nulls).hasSize(26);
		assertThat(nulls.values().stream().filter((x) -> x != null)).containsExactly(2);

		Map<String, Object> more = row(format, "more_types", ChangeKind.INSERT, 0).values();
		assertThat(more).containsEntry("c_timetz", OffsetTime.parse("07:44:15.5Z"))
			.containsEntry("c_time", LocalTime.MAX)
			.containsEntry("c_date", LocalDate.MAX)
			.containsEntry("c_ts", LocalDateTime.MIN)
			.containsEntry("c_tstz", OffsetDateTime.of(LocalDateTime.MAX, ZoneOffset.UTC))
			.containsEntry("c_nested", List.of(List.of(1, 2), Arrays.asList(3, null)))
			.containsEntry("c_moodarr", List.of("sad", "happy"))
			.containsEntry("c_tstzarr", Arrays.asList(OffsetDateTime.parse("2024-01-01T00:00Z"), OffsetDateTime.of(LocalDateTime.MAX, ZoneOffset.UTC)))
			.containsEntry("c_float8arr", List.of(1.5d, -0.0d, Double.POSITIVE_INFINITY, Double.NaN));
		// 24:00:00 has no LocalTime: LocalTime.MAX, with the text kept; infinities of timestamptz are in UTC
		WalChange first = row(format, "more_types", ChangeKind.INSERT, 0);
		assertThat(first.raw("c_time")).isEqualTo("24:00:00");
		assertThat(((OffsetDateTime) first.get("c_tstz")).getOffset()).isEqualTo(ZoneOffset.UTC);
		assertThat(row(format, "more_types", ChangeKind.INSERT, 2).values()).containsEntry("c_tstz",
				OffsetDateTime.parse("1900-01-01T11:40:28Z"));
		assertThat(row(format, "more_types", ChangeKind.INSERT, 1).values()).containsEntry("c_tstz",
				OffsetDateTime.parse("-0043-03-15T12:00:00Z"));
	}

	@ParameterizedTest
	@EnumSource(OutputFormat.class)
	void nullVersusUnchangedToast(OutputFormat format) {
		WalChange untouched = row(format, "docs", ChangeKind.UPDATE, 0);
		assertThat(untouched.values()).containsOnlyKeys("id", "title");
		assertThat(untouched.isUnchanged("big")).isTrue();
		// the set and the question agree, whatever the plugin
		assertThat(untouched.unchangedColumns()).containsExactly("big");
		assertThat(untouched.isUnchanged("no_such_column")).isFalse();
		assertThat(untouched.oldValues()).containsExactly(Map.entry("id", 10L));
		WalChange toNull = row(format, "docs", ChangeKind.UPDATE, 3);
		assertThat(toNull.values()).containsEntry("title", null);
		assertThat(toNull.isUnchanged("title")).isFalse();
		// REPLICA IDENTITY FULL: the old row
		WalChange full = row(format, "docs", ChangeKind.DELETE, 0);
		assertThat(full.oldValues()).containsOnlyKeys("id", "title", "big");
	}

	@ParameterizedTest
	@EnumSource(OutputFormat.class)
	void nullOldValuesOfAFullReplicaIdentityAreThereWithEveryFormat(OutputFormat format) {
		WalChange update = row(format, "full_nulls", ChangeKind.UPDATE, 0);
		assertThat(update.oldValues()).containsExactly(entry("id", 1), entry("note", null),
				entry("amount", new BigDecimal("5")));
		assertThat(update.values()).containsEntry("note", "set").containsEntry("amount", null);
		WalChange delete = row(format, "full_nulls", ChangeKind.DELETE, 0);
		assertThat(delete.oldValues()).containsExactly(entry("id", 1), entry("note", "set"), entry("amount", null));
	}

	@ParameterizedTest
	@EnumSource(OutputFormat.class)
	void notANumberAndInfinities(OutputFormat format) {
		List<WalChange> rows = this.loops.get(format)
			.changes()
			.stream()
			.filter((c) -> c.table().equals("specials"))
			.toList();
		assertThat(rows).hasSize(4);
		WalChange sqlNull = rows.get(3);
		assertThat(sqlNull.values()).containsEntry("r", null).containsEntry("d", null).containsEntry("n", null);
		assertThat(sqlNull.raw("n")).isNull();
		if (format == OutputFormat.PGOUTPUT) {
			// exact: Java's own NaN and infinities; numeric has no BigDecimal for them, raw() keeps the text
			assertThat(rows.get(0).values()).containsEntry("r", Float.NaN).containsEntry("d", Double.NaN);
			assertThat(rows.get(1).values()).containsEntry("r", Float.POSITIVE_INFINITY)
				.containsEntry("d", Double.POSITIVE_INFINITY);
			assertThat(rows.get(2).values()).containsEntry("r", Float.NEGATIVE_INFINITY)
				.containsEntry("d", Double.NEGATIVE_INFINITY);
			assertThat(List.of(rows.get(0), rows.get(1), rows.get(2))).allSatisfy((c) -> assertThat(c.get("n")).isNull())
				.extracting((c) -> c.raw("n"))
				.containsExactly("NaN", "Infinity", "-Infinity");
		}
		else {
			// wal2json writes JSON null for all of them: nothing tells them from SQL NULL (README, "What wal2json
			// cannot say")
			for (WalChange special : List.of(rows.get(0), rows.get(1), rows.get(2))) {
				assertThat(special.values()).containsEntry("r", null).containsEntry("d", null).containsEntry("n", null);
				assertThat(special.rawValues()).containsEntry("r", null).containsEntry("d", null).containsEntry("n", null);
			}
		}
	}

	@Test
	void truncateReachesWal2JsonV2AndPgoutput() {
		for (OutputFormat format : List.of(OutputFormat.WAL2JSON_V2, OutputFormat.PGOUTPUT)) {
			assertThat(this.loops.get(format).changes().stream().filter((c) -> c.kind() == ChangeKind.TRUNCATE))
				.extracting(WalChange::qualifiedTable)
				.containsExactly("public.plain", "Other Schema.Mixed Table");
		}
	}

	@Test
	void allFormatsGiveTheSameChanges() {
		List<WalChange> v2 = this.loops.get(OutputFormat.WAL2JSON_V2).changes();
		List<WalChange> pgoutput = this.loops.get(OutputFormat.PGOUTPUT).changes();
		List<WalChange> v1 = this.loops.get(OutputFormat.WAL2JSON_V1).changes();
		assertThat(v2).hasSizeGreaterThan(20);
		// wal2json sends NaN / infinities of float types as null
		assertThat(pgoutput.stream().map(CrossFormatFixtureTest::finiteFloats).toList()).containsExactlyElementsOf(v2);
		// format 1: commitLsn is the commit end, no change LSN, no TRUNCATE; NULL old values of a FULL
		// replica identity, which format 1 leaves out of oldkeys, are added back from the catalog
		Map<Long, Lsn> endByXid = new LinkedHashMap<>();
		List<TransactionInfo> v1Commits = this.loops.get(OutputFormat.WAL2JSON_V1).commits;
		synchronized (v1Commits) {
			v1Commits.forEach((tx) -> endByXid.put(tx.xid(), tx.commitLsn()));
		}
		List<WalChange> expected = new ArrayList<>();
		for (WalChange c : v2) {
			if (c.kind() != ChangeKind.TRUNCATE) {
				TransactionInfo tx = c.transaction();
				expected.add(new WalChange(c.schema(), c.table(), c.kind(), c.values(), c.oldValues(), c.columnTypes(),
						new TransactionInfo(tx.xid(), endByXid.get(tx.xid()), tx.commitTime()), Lsn.INVALID));
			}
		}
		assertThat(v1).containsExactlyElementsOf(expected);
	}

}
