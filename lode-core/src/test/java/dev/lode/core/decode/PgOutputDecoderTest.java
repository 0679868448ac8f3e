package dev.lode.core.decode;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.decode.RecordingSink.Begin;
import dev.lode.core.decode.RecordingSink.Commit;
import dev.lode.core.decode.RecordingSink.Message;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PgOutputDecoder} on pgoutput protocol 1 messages captured from PostgreSQL 15 (see {@link Captured}).
 */
class PgOutputDecoderTest {

	private static Lsn lsn(String text) {
		return Lsn.parse(text);
	}

	private static WalChange change(RecordingSink sink, ChangeKind kind, String table, int index) {
		return sink.changes().stream().filter((c) -> c.kind() == kind && c.table().equals(table)).toList().get(index);
	}

	@Test
	void optionsQuoteThePublicationAndAskForMessagesOnlyOncePrepared() {
		PgOutputDecoder decoder = new PgOutputDecoder("My \"pub\"");
		assertThat(decoder.plugin()).isEqualTo("pgoutput");
		assertThat(decoder.slotOptions()).containsExactly(Map.entry("proto_version", "1"),
				Map.entry("publication_names", "\"My \"\"pub\"\"\""));
	}

	@Test
	void relationMessagesHaveLsnZeroAndReachNoSink() throws Exception {
		List<Captured.Message> messages = Captured.messages(Captured.MISC, "pgoutput");
		List<Captured.Message> relations = messages.stream().filter((m) -> m.payload()[0] == 'R').toList();
		assertThat(relations).isNotEmpty().allSatisfy((m) -> assertThat(m.lsn()).isEqualTo(Lsn.INVALID));
		PgOutputDecoder decoder = new PgOutputDecoder("lode_fix");
		RecordingSink sink = new RecordingSink();
		for (Captured.Message relation : relations) {
			decoder.decode(relation.buffer(), relation.lsn(), sink);
		}
		assertThat(sink.events).isEmpty();
	}

	@Test
	void commitIsAcknowledgedAtItsEndLsnAndBeginCarriesCommitStartXidAndTime() throws Exception {
		RecordingSink sink = Captured.decode(Captured.MISC, "pgoutput");
		// 42 | final_lsn 0/2681A50 | time | xid 0x302 ... 43 | 00 | commit_lsn 0/2681A50 | end_lsn 0/2681A80
		TransactionInfo tx = new TransactionInfo(770, lsn("0/2681A50"),
				OffsetDateTime.parse("2026-11-23T21:53:47.390341Z"));
		assertThat(sink.begins().get(0)).isEqualTo(new Begin(tx));
		assertThat(sink.commits().get(0)).isEqualTo(new Commit(tx, lsn("0/2681A80")));
		assertThat(sink.commits()).extracting(Commit::endLsn).isSorted();
	}

	@Test
	void insertWithEveryType() throws Exception {
		WalChange row = change(Captured.decode(Captured.TYPES, "pgoutput"), ChangeKind.INSERT, "all_types", 0);
		Map<String, Object> v = row.values();
		assertThat(v).containsEntry("id", 1)
			.containsEntry("c_small", 32767)
			.containsEntry("c_int", Integer.MIN_VALUE)
			.containsEntry("c_big", Long.MAX_VALUE)
			.containsEntry("c_num", new BigDecimal("1.50"))
			.containsEntry("c_numfree", new BigDecimal("12345678901234567890.123456789"))
			.containsEntry("c_real", 1.5f)
			.containsEntry("c_double", 0.1d)
			.containsEntry("c_bool", true)
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
			.containsEntry("c_interval", "1 day 02:03:04")
			.containsEntry("c_oid", 4294967295L)
			.containsEntry("Col \"Q\" é", "weird column");
		assertThat((byte[]) v.get("c_bytea")).containsExactly(1, 2, 0xff);
		// raw text as pgoutput sent it
		assertThat(row.raw("c_bytea")).isEqualTo("\\x0102ff");
		assertThat(row.raw("c_bool")).isEqualTo("t");
		assertThat(row.raw("c_tstz")).isEqualTo("2024-02-29 13:14:15.123456+00");
		assertThat(row.raw("c_num")).isEqualTo("1.50");
		assertThat(row.raw("c_intarr")).isEqualTo("{1,2,NULL}");
		assertThat(row.columnTypes()).containsEntry("c_num", "numeric(12,2)")
			.containsEntry("c_varchar", "character varying(30)")
			.containsEntry("c_char", "character(5)")
			.containsEntry("c_intarr", "integer[]")
			.containsEntry("c_mood", "public.mood");
	}

	@Test
	void nanAndInfinities() throws Exception {
		WalChange row = change(Captured.decode(Captured.TYPES, "pgoutput"), ChangeKind.INSERT, "all_types", 2);
		assertThat(row.values()).containsEntry("c_numfree", null).containsEntry("c_real", Float.NaN)
			.containsEntry("c_double", Double.NEGATIVE_INFINITY);
		// numeric NaN has no BigDecimal: null in values(), the text in raw()
		assertThat(row.has("c_numfree")).isTrue();
		assertThat(row.raw("c_numfree")).isEqualTo("NaN");
	}

	@Test
	void moreTypesTimeZonesEraInfinityArrays() throws Exception {
		RecordingSink sink = Captured.decode(Captured.MORE, "pgoutput");
		Map<String, Object> first = change(sink, ChangeKind.INSERT, "more_types", 0).values();
		assertThat(first).containsEntry("c_timetz", OffsetTime.parse("07:44:15.5Z"))
			.containsEntry("c_time", LocalTime.MAX)
			.containsEntry("c_date", LocalDate.MAX)
			.containsEntry("c_ts", LocalDateTime.MIN)
			.containsEntry("c_tstz", OffsetDateTime.of(LocalDateTime.MAX, ZoneOffset.UTC))
			.containsEntry("c_qchar", "x")
			.containsEntry("c_name", "nm")
			.containsEntry("c_numarr", Arrays.asList(new BigDecimal("1.5"), null, null, new BigDecimal("-0.001")))
			.containsEntry("c_tstzarr", Arrays.asList(OffsetDateTime.parse("2024-01-01T00:00Z"), OffsetDateTime.of(LocalDateTime.MAX, ZoneOffset.UTC)))
			.containsEntry("c_nested", List.of(List.of(1, 2), Arrays.asList(3, null)))
			.containsEntry("c_uuidarr", List.of(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")))
			.containsEntry("c_moodarr", List.of("sad", "happy"))
			.containsEntry("c_boolarr", Arrays.asList(true, false, null))
			.containsEntry("c_jsonarr", List.of("{\"a\": 1}", "[1, \"x,y\"]"))
			.containsEntry("c_datearr", List.of(LocalDate.of(2024, 2, 29), LocalDate.MIN))
			.containsEntry("c_emptyarr", List.of())
			.containsEntry("c_bounds", List.of(7, 8))
			.containsEntry("c_float8arr", List.of(1.5d, -0.0d, Double.POSITIVE_INFINITY, Double.NaN))
			.containsEntry("c_textarr", Arrays.asList("NULL", null, "a\\b", "{}", " x "));
		List<?> bytes = (List<?>) first.get("c_bytearr");
		assertThat((byte[]) bytes.get(0)).containsExactly(0, 0xff);
		assertThat(bytes.get(1)).isNull();
		assertThat((byte[]) bytes.get(2)).isEmpty();

		Map<String, Object> second = change(sink, ChangeKind.INSERT, "more_types", 1).values();
		assertThat(second).containsEntry("c_timetz", OffsetTime.parse("03:30:00.000001Z"))
			.containsEntry("c_date", LocalDate.of(-43, 3, 15))
			.containsEntry("c_ts", LocalDateTime.parse("-0043-03-15T12:00:00.25"))
			.containsEntry("c_tstz", OffsetDateTime.parse("-0043-03-15T12:00:00Z"));
		Map<String, Object> third = change(sink, ChangeKind.INSERT, "more_types", 2).values();
		// Europe/Amsterdam in 1900: local mean time, +00:19:32
		assertThat(third).containsEntry("c_date", LocalDate.of(10000, 1, 1))
			.containsEntry("c_tstz", OffsetDateTime.parse("1900-01-01T11:40:28Z"));
		assertThat(change(sink, ChangeKind.INSERT, "more_types", 2).raw("c_tstz"))
			.isEqualTo("1900-01-01 12:00:00+00:19:32");
	}

	@Test
	void unchangedToastIsMarkedAndNotNull() throws Exception {
		RecordingSink sink = Captured.decode(Captured.TOAST, "pgoutput");
		WalChange update = change(sink, ChangeKind.UPDATE, "docs", 0);
		assertThat(update.values()).containsOnlyKeys("id", "title");
		assertThat(update.unchangedColumns()).containsExactly("big");
		assertThat(update.isUnchanged("big")).isTrue();
		assertThat(update.isUnchanged("title")).isFalse();
		// default identity, key unchanged: the key, from the new row (as wal2json reports it)
		assertThat(update.oldValues()).containsExactly(Map.entry("id", 10L));

		WalChange toNull = change(sink, ChangeKind.UPDATE, "docs", 3);
		assertThat(toNull.values()).containsEntry("title", null);
		assertThat(toNull.isUnchanged("title")).isFalse();
		assertThat(toNull.unchangedColumns()).isEmpty();
	}

	@Test
	void replicaIdentityFullSendsTheWholeOldRow() throws Exception {
		RecordingSink sink = Captured.decode(Captured.TOAST, "pgoutput");
		WalChange update = change(sink, ChangeKind.UPDATE, "docs", 2);
		assertThat(update.oldValues()).containsOnlyKeys("id", "title", "big");
		assertThat(update.unchangedColumns()).containsExactly("big");
		WalChange delete = change(sink, ChangeKind.DELETE, "docs", 0);
		assertThat(delete.values()).isEmpty();
		assertThat(delete.oldValues()).containsEntry("title", "full-renamed").containsOnlyKeys("id", "title", "big");
	}

	@Test
	void keyChangeAndDeleteCarryTheOldKeyOnly() throws Exception {
		RecordingSink sink = Captured.decode(Captured.MISC, "pgoutput");
		WalChange keyChange = change(sink, ChangeKind.UPDATE, "Mixed Table", 0);
		assertThat(keyChange.schema()).isEqualTo("Other Schema");
		assertThat(keyChange.values()).containsExactly(Map.entry("k", "k2"), Map.entry("v", 2));
		assertThat(keyChange.oldValues()).containsExactly(Map.entry("k", "k1"));
		WalChange delete = change(sink, ChangeKind.DELETE, "plain", 0);
		assertThat(delete.oldValues()).containsExactly(Map.entry("id", 2));
		assertThat(delete.columnTypes()).containsOnlyKeys("id");
		// uuid key: the old key keeps its raw text
		WalChange uuidUpdate = change(Captured.decode(Captured.MORE, "pgoutput"), ChangeKind.UPDATE, "uuid_keyed", 0);
		assertThat(uuidUpdate.rawOld("id")).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
	}

	@Test
	void truncateIsOneChangePerTableAtTheMessageLsn() throws Exception {
		RecordingSink sink = Captured.decode(Captured.MISC, "pgoutput");
		List<WalChange> truncates = sink.changes().stream().filter((c) -> c.kind() == ChangeKind.TRUNCATE).toList();
		assertThat(truncates).extracting(WalChange::qualifiedTable)
			.containsExactly("public.plain", "Other Schema.Mixed Table");
		assertThat(truncates).allSatisfy((t) -> {
			assertThat(t.lsn()).isEqualTo(lsn("0/2683528"));
			assertThat(t.values()).isEmpty();
			assertThat(t.oldValues()).isEmpty();
		});
	}

	@Test
	void nonTransactionalMessagesOnlyAtTheirOwnLsn() throws Exception {
		RecordingSink sink = Captured.decode(Captured.MISC, "pgoutput");
		assertThat(sink.messages()).containsExactly(new Message(lsn("0/2681E58"), "lode", "hi"),
				new Message(lsn("0/2683840"), "lode", "multi\nline \"q\" \u00e9"));
	}

	@Test
	void malformedMessagesAreRejected() throws Exception {
		PgOutputDecoder decoder = new PgOutputDecoder("p");
		RecordingSink sink = new RecordingSink();
		String[] bad = { "", "58", "42", "4200000000", "43000000000000000100000000000000020000000000000000",
				"490000403f4e0002", "520000403f7075626c6963", "53", "6200",
				"420000000000000001000000000000000000000001" + "42" };
		for (String hex : bad) {
			decoder.reset();
			assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(HexFormat.of().parseHex(hex)), Lsn.INVALID, sink))
				.as(hex)
				.isExactlyInstanceOf(WalDecodeException.class);
		}
		// a change before its relation
		decoder.decode(ByteBuffer.wrap(HexFormat.of().parseHex("420000000002681a50000303f765a7258500000302")),
				Lsn.INVALID, sink);
		assertThatThrownBy(() -> decoder.decode(
				ByteBuffer.wrap(HexFormat.of().parseHex("490000403f4e0002740000000131740000000161")), Lsn.INVALID, sink))
			.isExactlyInstanceOf(WalDecodeException.class)
			.hasMessageContaining("before its Relation message");
	}

	@Test
	void resetForgetsRelations() throws Exception {
		List<Captured.Message> messages = Captured.messages(Captured.MISC, "pgoutput");
		PgOutputDecoder decoder = new PgOutputDecoder("lode_fix");
		RecordingSink sink = new RecordingSink();
		for (Captured.Message m : messages.subList(0, 3)) {
			decoder.decode(m.buffer(), m.lsn(), sink);
		}
		decoder.reset();
		decoder.decode(messages.get(0).buffer(), messages.get(0).lsn(), sink);
		assertThatThrownBy(() -> decoder.decode(messages.get(2).buffer(), messages.get(2).lsn(), sink))
			.isExactlyInstanceOf(WalDecodeException.class);
	}

}
