package dev.lode.kafka;

import dev.lode.core.WalChange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Turns a change into the Kafka record the relay sends, or into none. lode's
 * {@link DefaultRelayRecordMapper} writes the documented change format and the outbox events; define a bean of
 * this type to send another format (the relay still sends only the changes of the configured tables).
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface RelayRecordMapper {

	/**
	 * @param change a change of a relayed table or an outbox table
	 * @return the record to send, or {@code null} to send nothing (the change then counts as relayed)
	 */
	@Nullable ProducerRecord<byte[], byte[]> toRecord(WalChange change);

}
