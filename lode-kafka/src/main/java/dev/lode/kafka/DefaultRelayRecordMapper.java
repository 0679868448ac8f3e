package dev.lode.kafka;

import java.util.Map;

import dev.lode.core.WalChange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * lode's record format: outbox tables to events ({@code <outbox prefix>.<aggregate type>}, key the aggregate id,
 * value the payload, the other columns as headers); other relayed tables to change records
 * ({@code <prefix>.<schema>.<table>}, key the row's key as JSON, value the versioned change JSON). See the
 * README's "Relaying to Kafka" for the format.
 *
 * @since 0.2.0
 */
public class DefaultRelayRecordMapper implements RelayRecordMapper {

	private final RelayedTables outboxTables;

	private final OutboxRecords outbox;

	private final ChangeRecords changes;

	/**
	 * @param topicPrefix first part of a table's topic: {@code <topic-prefix>.<schema>.<table>}
	 * @param topics topics of single tables instead, keyed by {@code schema.table}
	 * @param slot the slot name (in each change record's {@code source})
	 * @param outboxTables the outbox tables
	 * @param outbox how outbox rows become events
	 * @since 0.4.0
	 */
	public DefaultRelayRecordMapper(String topicPrefix, Map<String, String> topics, String slot,
			RelayedTables outboxTables, OutboxFormat outbox) {
		this.outboxTables = outboxTables;
		this.outbox = new OutboxRecords(outbox);
		this.changes = new ChangeRecords(topicPrefix, topics, slot);
	}

	@Override
	public @Nullable ProducerRecord<byte[], byte[]> toRecord(WalChange change) {
		return this.outboxTables.matches(change) ? this.outbox.toRecord(change) : this.changes.toRecord(change);
	}

}
