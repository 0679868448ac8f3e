package dev.lode.spring.boot.autoconfigure.relay;

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
	 * @param properties the relay's configuration
	 * @param slot the slot name (in each change record's {@code source})
	 */
	public DefaultRelayRecordMapper(KafkaRelayProperties properties, String slot) {
		this.outboxTables = RelayedTables.of(properties.getOutbox().getTables());
		this.outbox = new OutboxRecords(properties.getOutbox());
		this.changes = new ChangeRecords(properties.getTopicPrefix(), properties.getTopics(), slot);
	}

	@Override
	public @Nullable ProducerRecord<byte[], byte[]> toRecord(WalChange change) {
		return this.outboxTables.matches(change) ? this.outbox.toRecord(change) : this.changes.toRecord(change);
	}

}
