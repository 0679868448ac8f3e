package dev.lode.core.decode;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.decode.RecordingSink.Begin;
import dev.lode.core.decode.RecordingSink.Change;
import dev.lode.core.decode.RecordingSink.Commit;
import dev.lode.core.decode.RecordingSink.Event;
import dev.lode.core.decode.RecordingSink.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Wal2JsonV2Decoder} against real wal2json 2.5 / PostgreSQL 15 output (see {@link Fixtures}).
 */
class Wal2JsonV2DecoderTest {

	/** The XLogData LSN passed with every message unless a test needs a specific one. */
	private static final Lsn XLOG = Lsn.parse("7/77777777");

	private Wal2JsonV2Decoder decoder;

	private RecordingSink sink;

	@BeforeEach
	void setUp() {
		this.decoder = new Wal2JsonV2Decoder();
		this.sink = new RecordingSink();
	}

	private void decode(String line) throws Exception {
		decode(line, XLOG);
	}

	private void decode(String line, Lsn messageLsn) throws Exception {
		this.decoder.decode(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), messageLsn, this.sink);
	}

	private void feed(String fixture) throws Exception {
		for (String line : Fixtures.lines(fixture)) {
			decode(line);
		}
	}

	private static Lsn lsn(String text) {
		return Lsn.parse(text);
	}

	private static OffsetDateTime time(String iso) {
		// commit times are normalised to UTC, whatever the session time zone
		return OffsetDateTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC);
	}

	/** Asserts the value is present, equal, and of exactly the expected class. */
	private static void assertValue(Map<String, Object> values, String column, Object expected) {
		assertThat(values).containsKey(column);
		Object actual = values.get(column);
		if (expected == null) {
			assertThat(actual).as(column).isNull();
		}
		else {
			assertThat(actual).as(column).isExactlyInstanceOf(expected.getClass()).isEqualTo(expected);
		}
	}

	private static String md5Chain(int factor) throws Exception {
		MessageDigest md5 = MessageDigest.getInstance("MD5");
		StringBuilder sb = new StringBuilder();
		for (int i = 1; i <= 3200; i++) {
			sb.append(HexFormat.of().formatHex(md5.digest(Integer.toString(i * factor).getBytes(StandardCharsets.US_ASCII))));
		}
		return sb.toString();
	}

	@Test
	void pluginAndOptions() {
		assertThat(this.decoder.plugin()).isEqualTo("wal2json");
		assertThat(this.decoder.slotOptions()).containsExactly(Map.entry("format-version", "2"),
				Map.entry("include-transaction", "1"), Map.entry("include-xids", "1"),
				Map.entry("include-timestamp", "1"), Map.entry("include-lsn", "1"), Map.entry("include-types", "1"),
				Map.entry("include-typmod", "0"));
	}

	@Test
	void everyFixtureIsWellFramed() throws Exception {
		for (String fixture : Fixtures.ALL) {
			this.decoder.reset();
			this.sink = new RecordingSink();
			feed(fixture);
			TransactionInfo open = null;
			for (Event event : this.sink.events) {
				if (event instanceof Begin begin) {
					assertThat(open).as(fixture).isNull();
					open = begin.transaction();
				}
				else if (event instanceof Change change) {
					assertThat(open).as(fixture).isNotNull();
					assertThat(change.change().transaction()).isSameAs(open);
				}
				else if (event instanceof Commit commit) {
					assertThat(commit.transaction()).as(fixture).isSameAs(open);
					open = null;
				}
				else {
					assertThat(event).isInstanceOf(Message.class);
				}
			}
			assertThat(open).as(fixture).isNull();
		}
	}

	@Nested
	class Transactions {

		@Test
		void beginAndCommitCarryXidCommitLsnTimeAndEndLsn() throws Exception {
			feed(Fixtures.TYPES);
			assertThat(sink.begins()).hasSize(7);
			assertThat(sink.commits()).hasSize(7);
			TransactionInfo tx = new TransactionInfo(738, lsn("0/19740A8"), time("2026-11-23T21:20:01.031189Z"));
			assertThat(sink.begins().get(2).transaction()).isEqualTo(tx);
			assertThat(sink.commits().get(2).transaction()).isEqualTo(tx);
			// the end LSN is "nextlsn", not the XLogData LSN passed in and not the commit's start "lsn"
			assertThat(sink.commits().get(2).endLsn()).isEqualTo(lsn("0/19740D8"));
			assertThat(sink.commits().get(6).endLsn()).isEqualTo(lsn("0/1974850"));
		}

		@Test
		void emptyTransactionsStillBeginAndCommit() throws Exception {
			// DDL-only transactions arrive as B + C without changes and must be acknowledged
			feed(Fixtures.TYPES);
			assertThat(sink.events.subList(0, 4)).containsExactly(
					new Begin(new TransactionInfo(736, lsn("0/196D0B0"), time("2026-11-23T21:20:01.024626Z"))),
					new Commit(new TransactionInfo(736, lsn("0/196D0B0"), time("2026-11-23T21:20:01.024626Z")),
							lsn("0/196D198")),
					new Begin(new TransactionInfo(737, lsn("0/19735F8"), time("2026-11-23T21:20:01.029646Z"))),
					new Commit(new TransactionInfo(737, lsn("0/19735F8"), time("2026-11-23T21:20:01.029646Z")),
							lsn("0/1973E30")));
		}

		@Test
		void commitTimeKeepsTheSessionOffset() throws Exception {
			feed(Fixtures.TOAST);
			OffsetDateTime kolkata = sink.begins().get(0).transaction().commitTime();
			assertThat(kolkata).isEqualTo(OffsetDateTime.of(2026, 11, 24, 2, 50, 1, 597385000, ZoneOffset.ofHoursMinutes(5, 30)));

			decoder.reset();
			sink = new RecordingSink();
			feed(Fixtures.MISC);
			OffsetDateTime stJohns = sink.begins().get(0).transaction().commitTime();
			assertThat(stJohns).isEqualTo(OffsetDateTime.of(2026, 11, 23, 17, 50, 2, 174772000, ZoneOffset.ofHoursMinutes(-3, -30)));

			decoder.reset();
			sink = new RecordingSink();
			feed(Fixtures.DOMAINS);
			OffsetDateTime berlin = sink.begins().get(0).transaction().commitTime();
			assertThat(berlin).isEqualTo(OffsetDateTime.of(2026, 11, 23, 22, 20, 36, 74167000, ZoneOffset.ofHours(1)));
			// same instant as the UTC rendering
			assertThat(berlin.toInstant()).isEqualTo(java.time.Instant.parse("2026-11-23T21:20:36.074167Z"));
		}

		@Test
		void commitTimeVariants() throws Exception {
			String[][] cases = { { "2024-01-02 03:04:05+00", "2024-01-02T03:04:05Z" },
					{ "2024-01-02 03:04:05.1+00", "2024-01-02T03:04:05.100Z" },
					{ "2024-01-02 03:04:05.123456-08", "2024-01-02T03:04:05.123456-08:00" },
					{ "2024-01-02 03:04:05+05:45", "2024-01-02T03:04:05+05:45" },
					{ "1900-01-02 03:04:05+00:19:32", "1900-01-02T03:04:05+00:19:32" },
					{ "1900-01-02 03:04:05-00:19:32", "1900-01-02T03:04:05-00:19:32" } };
			for (String[] c : cases) {
				decoder.reset();
				sink = new RecordingSink();
				decode("{\"action\":\"B\",\"xid\":1,\"timestamp\":\"" + c[0] + "\",\"lsn\":\"0/10\",\"nextlsn\":\"0/20\"}");
				assertThat(sink.begins().get(0).transaction().commitTime()).as(c[0]).isEqualTo(time(c[1]));
			}
		}

		@Test
		void optionalFieldsFallBack() throws Exception {
			decode("{\"action\":\"B\"}");
			decode("{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"a\",\"value\":1}]}",
					lsn("0/AB"));
			decode("{\"action\":\"C\"}", lsn("0/CD"));
			TransactionInfo tx = new TransactionInfo(-1, Lsn.INVALID, null);
			assertThat(sink.events).hasSize(3);
			assertThat(sink.begins().get(0).transaction()).isEqualTo(tx);
			WalChange change = sink.changes().get(0);
			assertThat(change.lsn()).isEqualTo(lsn("0/AB"));
			assertThat(change.columnTypes()).isEmpty();
			assertValue(change.values(), "a", 1);
			assertThat(sink.commits().get(0)).isEqualTo(new Commit(tx, lsn("0/CD")));
		}

		@Test
		void multiChangeTransactionInOrder() throws Exception {
			feed(Fixtures.MISC);
			TransactionInfo tx = new TransactionInfo(758, lsn("0/19ED080"), time("2026-11-23T17:50:02.183643-03:30"));
			List<WalChange> changes = sink.changes().stream().filter((c) -> c.xid() == 758).toList();
			assertThat(changes).extracting(WalChange::kind)
				.containsExactly(ChangeKind.INSERT, ChangeKind.UPDATE, ChangeKind.INSERT, ChangeKind.UPDATE,
						ChangeKind.DELETE);
			assertThat(changes).extracting(WalChange::lsn)
				.containsExactly(lsn("0/19ECDB8"), lsn("0/19ECE98"), lsn("0/19ECF30"), lsn("0/19ECFB0"),
						lsn("0/19ED000"));
			assertThat(changes).allSatisfy((c) -> {
				assertThat(c.transaction()).isEqualTo(tx);
				assertThat(c.commitLsn()).isEqualTo(lsn("0/19ED080"));
			});
			int begin = sink.events.indexOf(new Begin(tx));
			assertThat(sink.events.subList(begin + 1, begin + 7)).last().isEqualTo(new Commit(tx, lsn("0/19ED0B0")));

			WalChange keyChange = changes.get(1);
			assertThat(keyChange.schema()).isEqualTo("Other Schema");
			assertThat(keyChange.table()).isEqualTo("Mixed Table");
			assertThat(keyChange.qualifiedTable()).isEqualTo("Other Schema.Mixed Table");
			assertThat(keyChange.values()).containsExactly(Map.entry("k", "k2"), Map.entry("v", 2));
			assertThat(keyChange.oldValues()).containsExactly(Map.entry("k", "k1"));

			WalChange delete = changes.get(4);
			assertThat(delete.values()).isEmpty();
			assertThat(delete.oldValues()).containsExactly(Map.entry("id", 1));
		}

		@Test
		void stateErrors() throws Exception {
			assertThatThrownBy(() -> decode("{\"action\":\"C\",\"lsn\":\"0/1\",\"nextlsn\":\"0/2\"}"))
				.isExactlyInstanceOf(WalDecodeException.class)
				.hasMessageContaining("outside a transaction");
			assertThatThrownBy(() -> decode("{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[]}"))
				.isExactlyInstanceOf(WalDecodeException.class);
			decode("{\"action\":\"B\",\"xid\":5}");
			assertThatThrownBy(() -> decode("{\"action\":\"B\",\"xid\":6}")).isExactlyInstanceOf(WalDecodeException.class)
				.hasMessageContaining("inside an open transaction");
			decoder.reset();
			decode("{\"action\":\"B\",\"xid\":6}");
			decode("{\"action\":\"C\",\"xid\":6}");
			assertThat(sink.commits()).extracting((c) -> c.transaction().xid()).containsExactly(6L);
		}

		@Test
		void resetForgetsTheOpenTransaction() throws Exception {
			decode("{\"action\":\"B\",\"xid\":5}");
			decoder.reset();
			assertThatThrownBy(() -> decode("{\"action\":\"C\",\"xid\":5}")).isExactlyInstanceOf(WalDecodeException.class);
		}

	}

	@Nested
	class Values {

		private Map<Integer, WalChange> byId() throws Exception {
			feed(Fixtures.TYPES);
			Map<Integer, WalChange> byId = new LinkedHashMap<>();
			for (WalChange change : sink.changes()) {
				byId.put((Integer) change.get("id"), change);
			}
			assertThat(byId).containsOnlyKeys(1, 2, 3, 4, 5);
			return byId;
		}

		@Test
		void everyTypeOfAFullRow() throws Exception {
			WalChange row = byId().get(1);
			assertThat(row.schema()).isEqualTo("public");
			assertThat(row.table()).isEqualTo("all_types");
			assertThat(row.kind()).isEqualTo(ChangeKind.INSERT);
			assertThat(row.oldValues()).isEmpty();
			assertThat(row.lsn()).isEqualTo(lsn("0/1973E30"));
			assertThat(row.xid()).isEqualTo(738);
			assertThat(row.values().keySet()).containsExactly("id", "c_small", "c_int", "c_big", "c_num", "c_numfree",
					"c_real", "c_double", "c_bool", "c_text", "c_varchar", "c_char", "c_uuid", "c_date", "c_time", "c_ts",
					"c_tstz", "c_json", "c_jsonb", "c_bytea", "c_intarr", "c_textarr", "c_mood", "c_interval", "c_oid",
					"Col \"Q\" é");
			Map<String, Object> v = row.values();
			assertValue(v, "id", 1);
			assertValue(v, "c_small", 32767);
			assertValue(v, "c_int", Integer.MIN_VALUE);
			assertValue(v, "c_big", Long.MAX_VALUE);
			assertValue(v, "c_num", new BigDecimal("1.50"));
			assertThat(((BigDecimal) v.get("c_num")).scale()).isEqualTo(2);
			assertValue(v, "c_numfree", new BigDecimal("12345678901234567890.123456789"));
			assertValue(v, "c_real", 1.5f);
			assertValue(v, "c_double", 0.1d);
			assertValue(v, "c_bool", Boolean.TRUE);
			assertValue(v, "c_text", "h\u00e9llo \"quoted\" back\\slash\nnew line\ttab \u65e5\u672c \uD83D\uDE00 end");
			assertValue(v, "c_varchar", "varchar");
			assertValue(v, "c_char", "ab   ");
			assertValue(v, "c_uuid", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
			assertValue(v, "c_date", LocalDate.of(2024, 2, 29));
			assertValue(v, "c_time", LocalTime.parse("13:14:15.123456"));
			assertValue(v, "c_ts", LocalDateTime.parse("2024-02-29T13:14:15.5"));
			assertValue(v, "c_tstz", OffsetDateTime.parse("2024-02-29T13:14:15.123456Z"));
			assertValue(v, "c_json", "{\"k\": [1, 2], \"s\": \"x\\\"y\"}");
			assertValue(v, "c_jsonb", "{\"a\": [true, null], \"b\": 2}");
			assertThat((byte[]) v.get("c_bytea")).containsExactly(1, 2, 0xff);
			assertThat(row.raw("c_bytea")).isEqualTo("0102ff");
			assertThat(v.get("c_intarr")).isEqualTo(Arrays.asList(1, 2, null));
			assertThat(v.get("c_textarr")).isEqualTo(Arrays.asList("a b", "c,d", null, "\""));
			assertThat(row.raw("c_textarr")).isEqualTo("{\"a b\",\"c,d\",NULL,\"\\\"\"}");
			assertThat(row.raw("c_tstz")).isEqualTo("2024-02-29 13:14:15.123456+00");
			assertThat(row.raw("c_bool")).isEqualTo("true");
			assertThat(row.raw("c_num")).isEqualTo("1.50");
			assertThat(row.raw("c_real")).isEqualTo("1.5");
			assertValue(v, "c_mood", "happy");
			assertValue(v, "c_interval", "1 day 02:03:04");
			assertValue(v, "c_oid", 4294967295L);
			assertValue(v, "Col \"Q\" é", "weird column");
			assertThat(row.get("c_text")).isEqualTo(v.get("c_text"));
		}

		@Test
		void columnTypesAsSent() throws Exception {
			Map<String, String> types = byId().get(1).columnTypes();
			assertThat(types).containsEntry("id", "integer")
				.containsEntry("c_small", "smallint")
				.containsEntry("c_big", "bigint")
				.containsEntry("c_num", "numeric(12,2)")
				.containsEntry("c_real", "real")
				.containsEntry("c_double", "double precision")
				.containsEntry("c_varchar", "character varying(30)")
				.containsEntry("c_char", "character(5)")
				.containsEntry("c_tstz", "timestamp with time zone")
				.containsEntry("c_intarr", "integer[]")
				.containsEntry("c_mood", "public.mood")
				.hasSize(26);
		}

		@Test
		void nullsArePresent() throws Exception {
			WalChange row = byId().get(2);
			assertThat(row.values()).hasSize(26);
			assertValue(row.values(), "id", 2);
			row.values().forEach((column, value) -> {
				if (!column.equals("id")) {
					assertThat(row.has(column)).as(column).isTrue();
					assertThat(value).as(column).isNull();
				}
			});
		}

		@Test
		void extremesNaNAndEmptyStrings() throws Exception {
			Map<String, Object> v = byId().get(3).values();
			assertValue(v, "c_small", -32768);
			assertValue(v, "c_int", Integer.MAX_VALUE);
			assertValue(v, "c_big", Long.MIN_VALUE);
			assertValue(v, "c_num", new BigDecimal("-1234567890.12"));
			// wal2json 2.5 renders NaN and infinities as null
			assertValue(v, "c_numfree", null);
			assertValue(v, "c_real", null);
			assertValue(v, "c_double", null);
			assertValue(v, "c_bool", Boolean.FALSE);
			assertValue(v, "c_text", "");
			assertValue(v, "c_varchar", "");
			assertValue(v, "c_char", "     ");
			assertValue(v, "c_tstz", OffsetDateTime.parse("1970-01-01T00:00:00Z"));
		}

		@Test
		void numbersKeepTheirColumnType() throws Exception {
			Map<String, Object> v = byId().get(4).values();
			assertValue(v, "c_big", 0L);
			assertValue(v, "c_num", new BigDecimal("0.00"));
			assertValue(v, "c_numfree", new BigDecimal("1"));
			assertValue(v, "c_real", 3.4028235e38f);
			assertValue(v, "c_double", 1e-300d);
		}

		@Test
		void longNumericNegativeZeroAndMaxDouble() throws Exception {
			Map<String, Object> v = byId().get(5).values();
			// 2102 characters: more than Jackson's default limit of 1000 for a number
			assertValue(v, "c_numfree", new BigDecimal("9" + "8".repeat(1500) + "." + "7".repeat(600)));
			assertValue(v, "c_real", -0.0f);
			assertValue(v, "c_double", Double.MAX_VALUE);
		}

		@Test
		void largestPostgresNumeric() throws Exception {
			// numeric allows 131072 digits before and 16383 after the point
			String big = "-" + "9".repeat(131072) + "." + "1".repeat(16383);
			decode("{\"action\":\"B\",\"xid\":1}");
			decode("{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"n\",\"type\":\"numeric\",\"value\":"
					+ big + "},{\"name\":\"u\",\"value\":" + big + "}]}");
			assertValue(sink.changes().get(0).values(), "n", new BigDecimal(big));
			assertValue(sink.changes().get(0).values(), "u", new BigDecimal(big));
		}

		@Test
		void domainsArriveAsTextAndFloatsKeepTheirType() throws Exception {
			feed(Fixtures.DOMAINS);
			List<WalChange> changes = sink.changes();
			assertThat(changes).hasSize(2);
			Map<String, Object> first = changes.get(0).values();
			assertValue(first, "id", "7");
			assertValue(first, "amount", "12.500");
			assertValue(first, "d", -0.0d);
			assertValue(first, "r", null);
			assertValue(first, "ts", OffsetDateTime.parse("2024-07-01T12:00:00Z"));
			assertThat(changes.get(0).raw("ts")).isEqualTo("2024-07-01 14:00:00+02");
			Map<String, Object> second = changes.get(1).values();
			assertValue(second, "d", null);
			assertValue(second, "r", 1e-45f);
			assertValue(second, "ts", OffsetDateTime.parse("2024-01-01T12:00:00Z"));
			assertThat(changes.get(0).columnTypes()).containsEntry("id", "public.big_id")
				.containsEntry("amount", "public.money_amount");
		}

		@Test
		void numbersWithoutTypes() throws Exception {
			decode("{\"action\":\"B\"}");
			decode("{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"i\",\"value\":7},"
					+ "{\"name\":\"l\",\"value\":8589934592},{\"name\":\"b\",\"value\":123456789012345678901234567890},"
					+ "{\"name\":\"f\",\"value\":1.50},{\"name\":\"e\",\"value\":1e+30}]}");
			Map<String, Object> v = sink.changes().get(0).values();
			assertValue(v, "i", 7);
			assertValue(v, "l", 8589934592L);
			assertValue(v, "b", new BigDecimal("123456789012345678901234567890"));
			assertValue(v, "f", new BigDecimal("1.50"));
			assertValue(v, "e", new BigDecimal("1e+30"));
		}

		@Test
		void typedNumbersInOtherNotations() throws Exception {
			decode("{\"action\":\"B\"}");
			decode("{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":["
					+ "{\"name\":\"r\",\"type\":\"real\",\"value\":100},"
					+ "{\"name\":\"d\",\"type\":\"double precision\",\"value\":-0.0},"
					+ "{\"name\":\"d2\",\"type\":\"float8\",\"value\":12345678901234567890123},"
					+ "{\"name\":\"n\",\"type\":\"numeric\",\"value\":-0},"
					+ "{\"name\":\"b\",\"type\":\"int8\",\"value\":5}]}");
			Map<String, Object> v = sink.changes().get(0).values();
			assertValue(v, "r", 100.0f);
			assertValue(v, "d", -0.0d);
			assertValue(v, "d2", 1.2345678901234568e22d);
			assertValue(v, "n", BigDecimal.ZERO);
			assertValue(v, "b", 5L);
		}

	}

	@Nested
	class Toast {

		@Test
		void insertCarriesTheLargeValue() throws Exception {
			feed(Fixtures.TOAST);
			WalChange insert = sink.changes().get(0);
			assertThat(insert.kind()).isEqualTo(ChangeKind.INSERT);
			assertValue(insert.values(), "id", 10L);
			assertValue(insert.values(), "big", md5Chain(1));
			assertThat((String) insert.get("big")).hasSize(102_400);
		}

		@Test
		void unchangedToastColumnIsAbsentNotNull() throws Exception {
			feed(Fixtures.TOAST);
			WalChange update = sink.changes().get(1);
			assertThat(update.kind()).isEqualTo(ChangeKind.UPDATE);
			assertThat(update.transaction()).isEqualTo(
					new TransactionInfo(745, lsn("0/1993E28"), time("2026-11-24T02:50:01.608089+05:30")));
			assertThat(update.values()).containsExactly(Map.entry("id", 10L), Map.entry("title", "renamed"));
			assertThat(update.has("big")).isFalse();
			assertThat(update.get("big")).isNull();
			assertThat(update.has("title")).isTrue();
			assertThat(update.oldValues()).containsExactly(Map.entry("id", 10L));

			WalChange changed = sink.changes().get(2);
			assertThat(changed.has("big")).isTrue();
			assertValue(changed.values(), "big", "small now");
		}

		@Test
		void replicaIdentityFullUpdateAndDelete() throws Exception {
			feed(Fixtures.TOAST);
			String second = md5Chain(7);
			WalChange update = sink.changes().get(4);
			assertThat(update.kind()).isEqualTo(ChangeKind.UPDATE);
			assertThat(update.xid()).isEqualTo(749);
			assertThat(update.values()).containsExactly(Map.entry("id", 11L), Map.entry("title", "full-renamed"));
			assertThat(update.has("big")).isFalse();
			assertThat(update.oldValues()).containsExactly(Map.entry("id", 11L), Map.entry("title", "second"),
					Map.entry("big", second));

			WalChange delete = sink.changes().get(5);
			assertThat(delete.kind()).isEqualTo(ChangeKind.DELETE);
			assertThat(delete.values()).isEmpty();
			assertThat(delete.oldValues()).containsExactly(Map.entry("id", 11L), Map.entry("title", "full-renamed"),
					Map.entry("big", second));
			assertThat(delete.columnTypes()).containsEntry("big", "text");
		}

		@Test
		void updateToNullUnderFullIdentity() throws Exception {
			feed(Fixtures.TOAST);
			WalChange update = sink.changes().get(6);
			assertThat(update.has("title")).isTrue();
			assertValue(update.values(), "title", null);
			assertThat(update.oldValues()).containsExactly(Map.entry("id", 10L), Map.entry("title", "renamed"),
					Map.entry("big", "small now"));
			assertThat(sink.commits().get(sink.commits().size() - 1).endLsn()).isEqualTo(lsn("0/19E2918"));
		}

	}

	@Nested
	class TruncateAndMessages {

		@Test
		void truncateIsOneChangePerTable() throws Exception {
			feed(Fixtures.MISC);
			List<WalChange> truncates = sink.changes()
				.stream()
				.filter((c) -> c.kind() == ChangeKind.TRUNCATE)
				.toList();
			assertThat(truncates).extracting(WalChange::qualifiedTable)
				.containsExactly("public.plain", "Other Schema.Mixed Table");
			assertThat(truncates).allSatisfy((t) -> {
				assertThat(t.values()).isEmpty();
				assertThat(t.oldValues()).isEmpty();
				assertThat(t.xid()).isEqualTo(759);
				assertThat(t.lsn()).isEqualTo(lsn("0/19EEBB0"));
				assertThat(t.commitLsn()).isEqualTo(lsn("0/19EEBE0"));
			});
		}

		@Test
		void nonTransactionalMessagesGoToTheSinkTransactionalOnesAreSkipped() throws Exception {
			feed(Fixtures.MISC);
			assertThat(sink.messages()).containsExactly(new Message(XLOG, "lode", "hi"),
					new Message(XLOG, "lode", "multi\nline \"q\" \u00e9"));
			assertThat(sink.events).noneMatch((e) -> e instanceof Message m && m.prefix().equals("lode-tx"));
			// the message sits between two transactions
			int index = sink.events.indexOf(sink.messages().get(0));
			assertThat(sink.events.get(index - 1)).isInstanceOf(Commit.class);
			assertThat(sink.events.get(index + 1)).isInstanceOf(Begin.class);
		}

		@Test
		void messageUsesTheXLogDataLsn() throws Exception {
			// for a non-transactional message the XLogData LSN is the end of the message record, which is also
			// what wal2json prints as "lsn"
			List<String> lines = Fixtures.lines(Fixtures.MISC);
			String hi = lines.stream().filter((l) -> l.contains("\"content\":\"hi\"")).findFirst().orElseThrow();
			decode(hi, lsn("0/19ED0F0"));
			assertThat(sink.events).containsExactly(new Message(lsn("0/19ED0F0"), "lode", "hi"));
		}

		@Test
		void nonTransactionalMessageInsideATransaction() throws Exception {
			decode("{\"action\":\"B\",\"xid\":9}");
			decode("{\"action\":\"M\",\"xid\":null,\"transactional\":false,\"prefix\":\"p\",\"content\":\"c\"}", lsn("1/0"));
			decode("{\"action\":\"C\",\"xid\":9,\"nextlsn\":\"1/10\"}");
			assertThat(sink.events).hasSize(3);
			assertThat(sink.events.get(1)).isEqualTo(new Message(lsn("1/0"), "p", "c"));
		}

	}

	@Nested
	class Buffers {

		private static final String LINE = "{\"action\":\"B\",\"xid\":42,\"timestamp\":\"2024-01-02 03:04:05+00\","
				+ "\"lsn\":\"0/10\",\"nextlsn\":\"0/20\"}";

		private static final TransactionInfo TX = new TransactionInfo(42, Lsn.parse("0/10"),
				OffsetDateTime.parse("2024-01-02T03:04:05Z"));

		@Test
		void sliceWithArrayOffsetAndPosition() throws Exception {
			byte[] line = LINE.getBytes(StandardCharsets.UTF_8);
			byte[] big = new byte[line.length + 100];
			java.util.Arrays.fill(big, (byte) '}');
			System.arraycopy(line, 0, big, 37, line.length);
			ByteBuffer slice = ByteBuffer.wrap(big, 20, line.length + 60).slice();
			assertThat(slice.arrayOffset()).isEqualTo(20);
			slice.position(17).limit(17 + line.length);
			decoder.decode(slice, XLOG, sink);
			assertThat(sink.events).containsExactly(new Begin(TX));
		}

		@Test
		void wrappedWithOffset() throws Exception {
			byte[] line = LINE.getBytes(StandardCharsets.UTF_8);
			byte[] big = new byte[line.length + 10];
			System.arraycopy(line, 0, big, 5, line.length);
			big[4] = 'x';
			big[5 + line.length] = 'x';
			decoder.decode(ByteBuffer.wrap(big, 5, line.length), XLOG, sink);
			assertThat(sink.events).containsExactly(new Begin(TX));
		}

		@Test
		void readOnlyAndDirectBuffers() throws Exception {
			byte[] line = LINE.getBytes(StandardCharsets.UTF_8);
			decoder.decode(ByteBuffer.wrap(line).asReadOnlyBuffer(), XLOG, sink);
			decoder.reset();
			ByteBuffer direct = ByteBuffer.allocateDirect(line.length + 4);
			direct.put(new byte[] { 'x', 'x' }).put(line).put(new byte[] { 'x', 'x' });
			direct.position(2).limit(2 + line.length);
			decoder.decode(direct, XLOG, sink);
			assertThat(sink.events).containsExactly(new Begin(TX), new Begin(TX));
		}

		@Test
		void emptyBuffer() {
			assertThatThrownBy(() -> decoder.decode(ByteBuffer.allocate(0), XLOG, sink))
				.isExactlyInstanceOf(WalDecodeException.class);
		}

	}

	@Nested
	class Malformed {

		private void assertRejected(String line) {
			decoder.reset();
			assertThatThrownBy(() -> decode(line)).as(line).isExactlyInstanceOf(WalDecodeException.class);
		}

		@Test
		void rejectedWithWalDecodeException() {
			assertRejected("");
			assertRejected("   ");
			assertRejected("null");
			assertRejected("[]");
			assertRejected("{}");
			assertRejected("{\"action\":\"B\"");
			assertRejected("{\"action\":\"B\"} {}");
			assertRejected("{\"action\":\"B\"}x");
			assertRejected("{\"action\":\"X\"}");
			assertRejected("{\"action\":1}");
			assertRejected("{\"action\":\"B\",\"lsn\":\"zz\"}");
			assertRejected("{\"action\":\"B\",\"lsn\":\"+1/2\"}");
			assertRejected("{\"action\":\"B\",\"lsn\":5}");
			assertRejected("{\"action\":\"B\",\"timestamp\":\"yesterday\"}");
			assertRejected("{\"action\":\"B\",\"xid\":\"1\"}");
			assertRejected("{\"action\":\"B\",\"xid\":1.5}");
			assertRejected("{\"action\":\"B\",\"xid\":99999999999999999999}");
			assertRejected("{\"action\":\"B\",\"xid\":{\"action\":\"C\"}}");
			assertRejected("{\"xid\":[1],\"action\":\"B\"}");
			assertRejected("{\"action\":\"M\",\"transactional\":{\"a\":1},\"prefix\":\"p\",\"content\":\"c\"}");
			assertRejected("{\"action\":\"M\",\"transactional\":\"false\",\"prefix\":\"p\",\"content\":\"c\"}");
			assertRejected("[" .repeat(10_000));
			assertRejected("{\"action\":\"B\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
		}

		@Test
		void rejectedChanges() throws Exception {
			String[] bad = { "{\"action\":\"I\",\"table\":\"t\",\"columns\":[]}",
					"{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":{}}",
					"{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[1]}",
					"{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"a\"}]}",
					"{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"value\":1}]}",
					"{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"a\",\"value\":[1]}]}",
					"{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"a\",\"value\":{}}]}",
					
					"{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"bigint\",\"value\":99999999999999999999}]}",
					"{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":1,\"value\":1}]}",
					"{\"action\":\"I\",\"schema\":[],\"table\":\"t\"}" };
			for (String line : bad) {
				decoder.reset();
				decode("{\"action\":\"B\"}");
				assertThatThrownBy(() -> decode(line)).as(line).isExactlyInstanceOf(WalDecodeException.class);
			}
		}

		@Test
		void unknownFieldsAreSkipped() throws Exception {
			decode("{\"action\":\"B\",\"origin\":{\"a\":[1,{\"b\":null}]},\"xid\":3,\"new\":[[]]}");
			decode("{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"pk\":[{\"name\":\"a\",\"type\":\"integer\"}],"
					+ "\"columns\":[{\"name\":\"a\",\"type\":\"integer\",\"typeoid\":23,\"value\":1,\"optional\":false,"
					+ "\"position\":1,\"default\":null}]}");
			assertThat(sink.changes().get(0).values()).containsExactly(Map.entry("a", 1));
			assertThat(sink.begins().get(0).transaction().xid()).isEqualTo(3);
		}

		@Test
		void stateIsUnchangedAfterAFailedMessage() throws Exception {
			decode("{\"action\":\"B\",\"xid\":1}");
			assertThatThrownBy(() -> decode("{\"action\":\"C\",\"xid\":1,\"nextlsn\":\"bad\"}"))
				.isExactlyInstanceOf(WalDecodeException.class);
			decode("{\"action\":\"C\",\"xid\":1,\"nextlsn\":\"0/5\"}");
			assertThat(sink.commits()).hasSize(1);
		}

	}

}
