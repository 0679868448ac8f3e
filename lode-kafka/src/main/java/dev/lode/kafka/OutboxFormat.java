package dev.lode.kafka;

/**
 * How outbox rows become events: the topic prefix ({@code <topic-prefix>.<aggregate type>}) and the columns that
 * hold the aggregate type (the topic), the aggregate id (the record key), the event type (header
 * {@code eventType}) and the payload (the record value).
 *
 * @param topicPrefix first part of an event's topic name
 * @param aggregateTypeColumn column with the aggregate type
 * @param aggregateIdColumn column with the aggregate id
 * @param typeColumn column with the event type
 * @param payloadColumn column with the payload
 * @since 0.4.0
 */
public record OutboxFormat(String topicPrefix, String aggregateTypeColumn, String aggregateIdColumn,
		String typeColumn, String payloadColumn) {

	/** Debezium's outbox event router's names: {@code outbox.event}, {@code aggregatetype}, ... */
	public static final OutboxFormat DEFAULT = new OutboxFormat("outbox.event", "aggregatetype", "aggregateid", "type",
			"payload");

}
