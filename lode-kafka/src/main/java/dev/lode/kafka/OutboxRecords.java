package dev.lode.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The records of outbox events (the transactional outbox pattern, as Debezium's outbox event router): an INSERT
 * into an outbox table becomes a record on {@code <prefix>.<aggregate type>}, keyed by the aggregate id, with the
 * payload as its value and every other column as a header of its name (plus {@code eventType},
 * {@code lode.commit-lsn} and {@code lode.lsn}). UPDATEs and DELETEs of outbox rows are not events.
 *
 * @since 0.2.0 (in {@code dev.lode.kafka} since 0.4.0)
 */
final class OutboxRecords {

	static final String EVENT_TYPE_HEADER = "eventType";

	private final OutboxFormat outbox;

	OutboxRecords(OutboxFormat outbox) {
		this.outbox = outbox;
	}

	@Nullable ProducerRecord<byte[], byte[]> toRecord(WalChange change) {
		if (change.kind() != ChangeKind.INSERT) {
			return null; // the application deleting (or updating) its outbox rows is no event
		}
		Map<String, @Nullable Object> row = change.values();
		String aggregateType = text(row.get(this.outbox.aggregateTypeColumn()));
		if (aggregateType == null || aggregateType.isEmpty()) {
			throw new IllegalStateException("Outbox row of " + change.qualifiedTable() + " at " + change.lsn()
					+ " has no aggregate type in column '" + this.outbox.aggregateTypeColumn() + "' (columns "
					+ row.keySet() + "; set lode.relay.kafka.outbox.aggregate-type-column)");
		}
		String aggregateId = text(row.get(this.outbox.aggregateIdColumn()));
		RecordHeaders headers = new RecordHeaders();
		for (Map.Entry<String, @Nullable Object> column : row.entrySet()) {
			if (column.getKey().equals(this.outbox.payloadColumn())) {
				continue;
			}
			String value = header(change, column.getKey(), column.getValue());
			headers.add(column.getKey(), (value != null) ? utf8(value) : null);
		}
		String type = text(row.get(this.outbox.typeColumn()));
		if (type != null) {
			headers.add(EVENT_TYPE_HEADER, utf8(type));
		}
		headers.add(ChangeRecords.COMMIT_LSN_HEADER, utf8(change.commitLsn().toString()));
		headers.add(ChangeRecords.LSN_HEADER, utf8(change.lsn().toString()));
		String topic = this.outbox.topicPrefix() + "." + aggregateType;
		return new ProducerRecord<>(topic, null, (aggregateId != null) ? utf8(aggregateId) : null,
				payload(row.get(this.outbox.payloadColumn())), headers);
	}

	private static byte @Nullable [] payload(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		return utf8(value.toString());
	}

	/** @return a column's text for a header: as the plugin sent it where lode has that, else the value's text */
	private static @Nullable String header(WalChange change, String column, @Nullable Object value) {
		if (value == null) {
			return null;
		}
		String raw = change.raw(column);
		return (raw != null) ? raw : value.toString();
	}

	private static @Nullable String text(@Nullable Object value) {
		return (value != null) ? value.toString() : null;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
