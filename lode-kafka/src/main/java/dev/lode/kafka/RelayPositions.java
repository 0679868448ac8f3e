package dev.lode.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * The exactly-once relay's position in Kafka: a compacted topic of one partition (created when missing), keyed by
 * the slot, whose value is the {@link RelayPosition} Kafka has. Written in the same Kafka transaction as the records
 * it counts; read with {@code read_committed}, after the producer fenced what
 * an earlier process left open.
 *
 * @since 0.4.0
 */
final class RelayPositions {

	private final String topic;

	private final byte[] key;

	private final Map<String, Object> clientConfiguration;

	/**
	 * @param topic the position topic
	 * @param slot the slot (the key)
	 * @param clientConfiguration the relay's producer configuration (its connection and security settings are used)
	 */
	RelayPositions(String topic, String slot, Map<String, Object> clientConfiguration) {
		this.topic = topic;
		this.key = slot.getBytes(StandardCharsets.UTF_8);
		this.clientConfiguration = clientConfiguration;
	}

	/** @return the record that says Kafka has every transaction up to the position */
	ProducerRecord<byte[], byte[]> record(RelayPosition position) {
		return new ProducerRecord<>(this.topic, 0, this.key, position.text().getBytes(StandardCharsets.UTF_8));
	}

	/** @return the position Kafka has for the slot, {@code null} when none (creates the topic when missing) */
	@Nullable RelayPosition read() {
		createIfMissing();
		Map<String, Object> configuration = only(ConsumerConfig.configNames());
		configuration.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		configuration.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		configuration.remove(ConsumerConfig.GROUP_ID_CONFIG);
		configuration.remove(ConsumerConfig.CLIENT_ID_CONFIG);
		TopicPartition partition = new TopicPartition(this.topic, 0);
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(configuration, new ByteArrayDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
			RelayPosition position = null;
			while (consumer.position(partition, Duration.ofSeconds(30)) < end) {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					if (record.key() != null && java.util.Arrays.equals(record.key(), this.key) && record.value() != null) {
						position = RelayPosition.parse(new String(record.value(), StandardCharsets.UTF_8));
					}
				}
			}
			return position;
		}
	}

	private void createIfMissing() {
		try (Admin admin = Admin.create(only(AdminClientConfig.configNames()))) {
			Set<String> topics = admin.listTopics().names().get();
			if (topics.contains(this.topic)) {
				return;
			}
			NewTopic created = new NewTopic(this.topic, Optional.of(1), Optional.empty())
				.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
			admin.createTopics(List.of(created)).all().get();
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				throw new IllegalStateException("Could not create the relay's position topic " + this.topic, ex.getCause());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating the relay's position topic", ex);
		}
	}

	private Map<String, Object> only(Set<String> names) {
		Map<String, Object> configuration = new HashMap<>();
		this.clientConfiguration.forEach((name, value) -> {
			if (names.contains(name)) {
				configuration.put(name, value);
			}
		});
		return configuration;
	}

}
