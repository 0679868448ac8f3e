package dev.lode.core.decode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.WatchedTable;
import dev.lode.core.decode.RecordingSink.Begin;
import dev.lode.core.decode.RecordingSink.Change;
import dev.lode.core.decode.RecordingSink.Commit;
import dev.lode.core.decode.RecordingSink.Message;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Wal2JsonV1Decoder} on wal2json 2.5 format 1 output captured from PostgreSQL 15 (see {@link Captured}).
 */
class Wal2JsonV1DecoderTest {

	private final Wal2JsonV1Decoder decoder = new Wal2JsonV1Decoder();

	private final RecordingSink sink = new RecordingSink();

	private void decode(String json, Lsn lsn) throws Exception {
		this.decoder.decode(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), lsn, this.sink);
	}

	private static Lsn lsn(String text) {
		return Lsn.parse(text);
	}

	@Test
	void options() {
		assertThat(this.decoder.plugin()).isEqualTo("wal2json");
		assertThat(this.decoder.slotOptions()).containsExactly(Map.entry("format-version", "1"),
				Map.entry("include-xids", "1"), Map.entry("include-timestamp", "1"), Map.entry("include-lsn", "1"),
				Map.entry("include-types", "1"), Map.entry("include-typmod", "0"));
		assertThat(new Wal2JsonV1Decoder(Wal2JsonFilter.of(List.of(new WatchedTable("s", "t", java.util.Set.of(
				ChangeKind.INSERT, ChangeKind.TRUNCATE))))).slotOptions()).containsEntry("add-tables", "s.t")
			.containsEntry("actions", "insert");
	}

	@Test
	void transactionIsAcknowledgedAtNextLsnNotAtTheMessageLsn() throws Exception {
		List<Captured.Message> messages = Captured.messages(Captured.MISC, "wal2json-v1");
		Captured.Message inserts = messages.get(3);
		this.decoder.decode(inserts.buffer(), inserts.lsn(), this.sink);
		// the XLogData LSN is the transaction's first LSN
		assertThat(inserts.lsn()).isEqualTo(lsn("0/2681870"));
		TransactionInfo tx = new TransactionInfo(770, lsn("0/2681A80"),
				OffsetDateTime.parse("2026-11-23T21:53:47.390341Z"));
		assertThat(this.sink.events).hasSize(5);
		assertThat(this.sink.events.get(0)).isEqualTo(new Begin(tx));
		assertThat(this.sink.events.get(4)).isEqualTo(new Commit(tx, lsn("0/2681A80")));
		assertThat(this.sink.changes()).allSatisfy((c) -> {
			assertThat(c.transaction()).isEqualTo(tx);
			assertThat(c.lsn()).isEqualTo(Lsn.INVALID);
			assertThat(c.kind()).isEqualTo(ChangeKind.INSERT);
		});
		assertThat(this.sink.changes()).extracting((c) -> c.get("id")).containsExactly(1, 2, 3);
	}

	@Test
	void emptyTransactionIsBeginAndCommit() throws Exception {
		decode("{\"xid\":767,\"nextlsn\":\"0/2678C50\",\"timestamp\":\"2026-11-23 18:23:47.321254-03:30\",\"change\":[]}",
				lsn("0/2678A70"));
		assertThat(this.sink.events).hasSize(2);
		assertThat(this.sink.commits().get(0).endLsn()).isEqualTo(lsn("0/2678C50"));
	}

	@Test
	void nonTransactionalMessageIsAcknowledgedAtTheMessageLsnEvenWithWal2Json266() throws Exception {
		// wal2json 2.5 writes [, for a message after a multi-change transaction (#266)
		decode("{\"change\":[,{\"kind\":\"message\",\"transactional\":false,\"prefix\":\"lode\",\"content\":\"hi\"}]}",
				lsn("0/2681E58"));
		decode("{\"change\":[{\"kind\":\"message\",\"transactional\":false,\"prefix\":\"p\",\"content\":\"c\"}]}",
				lsn("0/3"));
		assertThat(this.sink.events).containsExactly(new Message(lsn("0/2681E58"), "lode", "hi"),
				new Message(lsn("0/3"), "p", "c"));
	}

	@Test
	void transactionalMessagesAreSkipped() throws Exception {
		RecordingSink misc = Captured.decode(Captured.MISC, "wal2json-v1");
		assertThat(misc.messages()).extracting(Message::prefix).containsExactly("lode", "lode");
		WalChange keyChange = misc.changes().stream().filter((c) -> c.kind() == ChangeKind.UPDATE).findFirst().orElseThrow();
		assertThat(keyChange.oldValues()).containsExactly(Map.entry("k", "k1"));
	}

	@Test
	void oldKeysLeaveOutNullsAndUnchangedToastIsAbsent() throws Exception {
		RecordingSink toast = Captured.decode(Captured.TOAST, "wal2json-v1");
		List<WalChange> updates = toast.changes().stream().filter((c) -> c.kind() == ChangeKind.UPDATE).toList();
		assertThat(updates.get(0).values()).containsOnlyKeys("id", "title");
		assertThat(updates.get(0).has("big")).isFalse();
		// decoded without the catalog (prepare() reads it): nothing marks the column; DecodersIntegrationTest
		// shows unchangedColumns() and isUnchanged() with it
		assertThat(updates.get(0).unchangedColumns()).isEmpty();
		assertThat(updates.get(0).isUnchanged("big")).isFalse();
		// REPLICA IDENTITY FULL: the whole old row
		assertThat(updates.get(2).oldValues()).containsOnlyKeys("id", "title", "big");
	}

	@Test
	void malformed() {
		String[] bad = { "", "[]", "{}", "{\"change\":{}}", "{\"change\":[1]}", "{\"change\":[]} x",
				"{\"nextlsn\":\"0/1\",\"change\":[{\"kind\":\"insert\",\"schema\":\"s\",\"table\":\"t\",\"columnvalues\":[1]}]}",
				"{\"nextlsn\":\"0/1\",\"change\":[{\"kind\":\"insert\",\"schema\":\"s\",\"table\":\"t\",\"columnnames\":[\"a\"],\"columnvalues\":[1,2]}]}",
				"{\"nextlsn\":\"0/1\",\"change\":[{\"kind\":\"zap\",\"schema\":\"s\",\"table\":\"t\"}]}",
				"{\"change\":[{\"kind\":\"insert\",\"schema\":\"s\",\"table\":\"t\",\"columnnames\":[],\"columnvalues\":[]}]}",
				"{\"nextlsn\":\"x\",\"change\":[]}", "{\"change\":[],\"change\":[]}" };
		for (String json : bad) {
			assertThatThrownBy(() -> decode(json, Lsn.INVALID)).as(json).isExactlyInstanceOf(WalDecodeException.class);
		}
	}

	@Test
	void streamsChangesOneByOne() throws Exception {
		StringBuilder json = new StringBuilder("{\"xid\":1,\"nextlsn\":\"0/10\",\"change\":[");
		for (int i = 0; i < 1000; i++) {
			json.append((i > 0) ? "," : "")
				.append("{\"kind\":\"insert\",\"schema\":\"s\",\"table\":\"t\",\"columnnames\":[\"id\"],")
				.append("\"columntypes\":[\"int8\"],\"columnvalues\":[")
				.append(i)
				.append("]}");
		}
		json.append("]}");
		decode(json.toString(), lsn("0/1"));
		assertThat(this.sink.events).hasSize(1002);
		assertThat(this.sink.events.get(1)).isInstanceOf(Change.class);
		assertThat(this.sink.changes().get(999).get("id")).isEqualTo(999L);
	}

}
