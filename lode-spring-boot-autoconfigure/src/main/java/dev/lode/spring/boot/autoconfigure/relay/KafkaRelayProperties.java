package dev.lode.spring.boot.autoconfigure.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the Kafka relay, under {@code lode.relay.kafka.*}.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("lode.relay.kafka")
public class KafkaRelayProperties {

	/** The default of {@code lode.relay.kafka.stall-timeout}. */
	public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Whether to relay changes to Kafka (needs spring-kafka and a ProducerFactory, which Spring Boot's Kafka
	 * auto-configuration provides from spring.kafka.*).
	 */
	private boolean enabled;

	/**
	 * Tables whose changes to relay, each "table" (any schema) or "schema.table"; "*" relays every table
	 * (the outbox tables excepted).
	 */
	private List<String> tables = new ArrayList<>();

	/**
	 * First part of a table's topic name: changes of schema.table go to <topic-prefix>.<schema>.<table>.
	 */
	private String topicPrefix = "lode";

	/**
	 * Topics of single tables instead of the prefixed name, keyed by "schema.table" (in brackets:
	 * lode.relay.kafka.topics[public.orders]=orders).
	 */
	private Map<String, String> topics = new LinkedHashMap<>();

	/**
	 * Producer settings of the relay, over spring.kafka.producer.* and the relay's defaults (acks=all,
	 * enable.idempotence=true, delivery.timeout.ms=2147483647), e.g. lode.relay.kafka.producer[linger.ms]=20.
	 */
	private Map<String, String> producer = new LinkedHashMap<>();

	/**
	 * How long a record may wait for the broker's acknowledgement before the relay's health (lodeKafkaRelay) is DOWN.
	 */
	private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;

	/**
	 * Whether to send exactly once: each PostgreSQL transaction's records and the position they reach (on
	 * position-topic, keyed by the slot) in one Kafka transaction, and at start nothing Kafka already has; read_committed
	 * consumers then see every change once. Needs lode.listener.concurrency=1 and no snapshots.
	 */
	private boolean exactlyOnce;

	/**
	 * The exactly-once relay's transactional.id; default lode-relay-<slot>.
	 */
	private @org.jspecify.annotations.Nullable String transactionalId;

	/**
	 * The exactly-once relay's position topic (compacted, one partition, created when missing), keyed by the slot.
	 */
	private String positionTopic = "lode.relay.positions";

	private final Outbox outbox = new Outbox();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getTables() {
		return this.tables;
	}

	public void setTables(List<String> tables) {
		this.tables = tables;
	}

	public String getTopicPrefix() {
		return this.topicPrefix;
	}

	public void setTopicPrefix(String topicPrefix) {
		this.topicPrefix = topicPrefix;
	}

	public Map<String, String> getTopics() {
		return this.topics;
	}

	public void setTopics(Map<String, String> topics) {
		this.topics = topics;
	}

	public Map<String, String> getProducer() {
		return this.producer;
	}

	public void setProducer(Map<String, String> producer) {
		this.producer = producer;
	}

	public Duration getStallTimeout() {
		return this.stallTimeout;
	}

	public void setStallTimeout(Duration stallTimeout) {
		this.stallTimeout = stallTimeout;
	}

	public boolean isExactlyOnce() {
		return this.exactlyOnce;
	}

	public void setExactlyOnce(boolean exactlyOnce) {
		this.exactlyOnce = exactlyOnce;
	}

	public @org.jspecify.annotations.Nullable String getTransactionalId() {
		return this.transactionalId;
	}

	public void setTransactionalId(@org.jspecify.annotations.Nullable String transactionalId) {
		this.transactionalId = transactionalId;
	}

	public String getPositionTopic() {
		return this.positionTopic;
	}

	public void setPositionTopic(String positionTopic) {
		this.positionTopic = positionTopic;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	/**
	 * The transactional outbox: rows inserted into an outbox table become events on the topic of their
	 * aggregate type.
	 */
	public static class Outbox {

		/**
		 * Outbox tables, each "table" (any schema) or "schema.table". Their INSERTs are relayed as events; their
		 * UPDATEs and DELETEs are ignored, so the application may delete the row in the transaction that inserted
		 * it.
		 */
		private List<String> tables = new ArrayList<>();

		/**
		 * First part of an event's topic name: <topic-prefix>.<aggregate type>.
		 */
		private String topicPrefix = "outbox.event";

		/**
		 * Column with the aggregate type (the topic suffix).
		 */
		private String aggregateTypeColumn = "aggregatetype";

		/**
		 * Column with the aggregate id (the record key).
		 */
		private String aggregateIdColumn = "aggregateid";

		/**
		 * Column with the event type (a header, like every column but the payload).
		 */
		private String typeColumn = "type";

		/**
		 * Column with the payload (the record value: text and json as UTF-8, bytea as it is).
		 */
		private String payloadColumn = "payload";

		public List<String> getTables() {
			return this.tables;
		}

		public void setTables(List<String> tables) {
			this.tables = tables;
		}

		public String getTopicPrefix() {
			return this.topicPrefix;
		}

		public void setTopicPrefix(String topicPrefix) {
			this.topicPrefix = topicPrefix;
		}

		public String getAggregateTypeColumn() {
			return this.aggregateTypeColumn;
		}

		public void setAggregateTypeColumn(String aggregateTypeColumn) {
			this.aggregateTypeColumn = aggregateTypeColumn;
		}

		public String getAggregateIdColumn() {
			return this.aggregateIdColumn;
		}

		public void setAggregateIdColumn(String aggregateIdColumn) {
			this.aggregateIdColumn = aggregateIdColumn;
		}

		public String getTypeColumn() {
			return this.typeColumn;
		}

		public void setTypeColumn(String typeColumn) {
			this.typeColumn = typeColumn;
		}

		public String getPayloadColumn() {
			return this.payloadColumn;
		}

		public void setPayloadColumn(String payloadColumn) {
			this.payloadColumn = payloadColumn;
		}

	}

}
