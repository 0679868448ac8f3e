package dev.lode.faults.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The relay mode's Kafka broker: spring-kafka-test's embedded KRaft broker in the driver's JVM, on a fixed port
 * (so that the consumer finds it again), stopped and started again as a fault: the broker process part
 * ({@code BrokerServer}) shuts down and starts up on the same port with the same log directory, as a broker
 * restart does; the KRaft controller stays up.
 */
final class RelayBroker implements AutoCloseable {

	private final EmbeddedKafkaKraftBroker broker;

	private final String bootstrapServers;

	RelayBroker() {
		int port = freePort();
		this.broker = new EmbeddedKafkaKraftBroker(1, 1).kafkaPorts(port);
		// one broker: the exactly-once relay's transactions need their state topic on it
		this.broker.brokerProperties(java.util.Map.of("transaction.state.log.replication.factor", "1",
				"transaction.state.log.min.isr", "1"));
		this.broker.afterPropertiesSet();
		this.bootstrapServers = this.broker.getBrokersAsString();
	}

	String bootstrapServers() {
		return this.bootstrapServers;
	}

	void createTopic(String name, int partitions) {
		try (Admin admin = admin()) {
			admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
		}
		catch (InterruptedException | ExecutionException ex) {
			throw new IllegalStateException("could not create " + name, ex);
		}
	}

	/**
	 * Stops the broker, waits, starts it again.
	 * @param down how long it stays down
	 * @return how long stopping and starting took, the wait included
	 */
	Duration restart(Duration down) throws InterruptedException {
		long start = System.nanoTime();
		BrokerServer server = this.broker.getCluster().brokers().values().iterator().next();
		server.shutdown();
		server.awaitShutdown();
		Thread.sleep(down.toMillis());
		server.startup();
		return Duration.ofNanos(System.nanoTime() - start);
	}

	/**
	 * @return every record of the topic that a {@code read_committed} consumer sees (all of them without transactions;
	 * the exactly-once relay's committed ones), each partition's in offset order
	 */
	List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
				.stream()
				.map((PartitionInfo info) -> new TopicPartition(topic, info.partition()))
				.collect(Collectors.toList());
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
			long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
			while (!done(consumer, ends) && System.nanoTime() < deadline) {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
			}
		}
		records.sort((a, b) -> (a.partition() != b.partition()) ? Integer.compare(a.partition(), b.partition())
				: Long.compare(a.offset(), b.offset()));
		return records;
	}

	private static boolean done(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
		for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
			if (consumer.position(end.getKey()) < end.getValue()) {
				return false;
			}
		}
		return true;
	}

	private Admin admin() {
		Properties properties = new Properties();
		properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		return Admin.create(properties);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.broker.destroy();
	}

}
