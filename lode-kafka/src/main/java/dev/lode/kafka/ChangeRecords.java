package dev.lode.kafka;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The records of table changes: topic {@code <prefix>.<schema>.<table>} (or the configured one), key the row's key
 * as JSON, value the change in the documented JSON format (version {@value #VERSION}), headers {@code lode.kind},
 * {@code lode.commit-lsn} and {@code lode.lsn}.
 *
 * @since 0.2.0
 */
final class ChangeRecords {

	/** The version of the value format; a change of the format that breaks readers increments it. */
	static final int VERSION = 1;

	static final String KIND_HEADER = "lode.kind";

	static final String COMMIT_LSN_HEADER = "lode.commit-lsn";

	static final String LSN_HEADER = "lode.lsn";

	/** The {@code lode.kind} header's bytes of each kind, made once. */
	private static final Map<ChangeKind, byte[]> KINDS = kinds();

	private final String prefix;

	private final Map<String, String> topics;

	private final String slot;

	private final Map<String, String> resolved = new ConcurrentHashMap<>();

	/** The texts of the last transaction seen: a transaction's changes share them (read from any lane). */
	private volatile @Nullable Commit lastCommit;

	ChangeRecords(String prefix, Map<String, String> topics, String slot) {
		this.prefix = prefix;
		this.topics = Map.copyOf(topics);
		this.slot = slot;
	}

	ProducerRecord<byte[], byte[]> toRecord(WalChange change) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(KIND_HEADER, KINDS.get(change.kind()));
		headers.add(COMMIT_LSN_HEADER, commit(change).lsnBytes());
		headers.add(LSN_HEADER, utf8(change.lsn().toString()));
		return new ProducerRecord<>(topic(change), null, key(change), value(change), headers);
	}

	String topic(WalChange change) {
		return this.resolved.computeIfAbsent(change.qualifiedTable(), (qualified) -> {
			String configured = this.topics.get(change.schema() + "." + change.table());
			return (configured != null) ? configured : this.prefix + "." + change.schema() + "." + change.table();
		});
	}

	/** @return the row's key as a JSON object, {@code null} when it has none (TRUNCATE, a table without key) */
	static byte @Nullable [] key(WalChange change) {
		if (change.kind() == ChangeKind.TRUNCATE) {
			return null;
		}
		List<@Nullable Object> key = change.key();
		if (key.isEmpty()) {
			return null;
		}
		return RelayJson.write((json) -> RelayJson.writeKey(json, change.keyColumns(), key));
	}

	byte[] value(WalChange change) {
		return RelayJson.write((json) -> {
			json.writeStartObject();
			json.writeNumberField("version", VERSION);
			json.writeStringField("kind", change.kind().name());
			json.writeObjectFieldStart("source");
			json.writeStringField("schema", change.schema());
			json.writeStringField("table", change.table());
			json.writeStringField("slot", this.slot);
			json.writeEndObject();
			json.writeObjectFieldStart("transaction");
			json.writeNumberField("xid", change.xid());
			Commit commit = commit(change);
			json.writeStringField("commitLsn", commit.lsn());
			if (commit.time() != null) {
				json.writeStringField("commitTime", commit.time());
			}
			else {
				json.writeNullField("commitTime");
			}
			json.writeEndObject();
			json.writeStringField("lsn", change.lsn().toString());
			List<@Nullable Object> key = change.key();
			if (key.isEmpty() || change.kind() == ChangeKind.TRUNCATE) {
				json.writeNullField("key");
			}
			else {
				json.writeFieldName("key");
				RelayJson.writeKey(json, change.keyColumns(), key);
			}
			RelayJson.writeRow(json, "new", change.values());
			RelayJson.writeRow(json, "old", change.oldValues());
			if (!change.unchangedColumns().isEmpty()) {
				json.writeArrayFieldStart("unchanged");
				for (String column : change.unchangedColumns()) {
					json.writeString(column);
				}
				json.writeEndArray();
			}
			json.writeEndObject();
		});
	}

	private Commit commit(WalChange change) {
		Commit commit = this.lastCommit;
		if (commit == null || !commit.commitLsn().equals(change.commitLsn())) {
			commit = new Commit(change.commitLsn(), change.commitTime());
			this.lastCommit = commit;
		}
		return commit;
	}

	/** The commit LSN's text and bytes and the commit time's text, made once per transaction. */
	private record Commit(Lsn commitLsn, String lsn, byte[] lsnBytes, @Nullable String time) {

		Commit(Lsn commitLsn, @Nullable OffsetDateTime commitTime) {
			this(commitLsn, commitLsn.toString(), utf8(commitLsn.toString()),
					(commitTime != null) ? commitTime.toString() : null);
		}

	}

	private static Map<ChangeKind, byte[]> kinds() {
		Map<ChangeKind, byte[]> kinds = new java.util.EnumMap<>(ChangeKind.class);
		for (ChangeKind kind : ChangeKind.values()) {
			kinds.put(kind, utf8(kind.name()));
		}
		return kinds;
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
