package dev.lode.spring.boot.autoconfigure.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import dev.lode.test.DockerEngine;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The Kafka broker of the relay tests, and what they do with it: create topics, hold acknowledgements back, read
 * topics. Like lode's PostgreSQL fixture it takes, in this order: a broker named by the environment
 * ({@value #ENV}, bootstrap servers), a Testcontainers Kafka ({@value #IMAGE}) when a Docker engine answers, or
 * spring-kafka-test's embedded KRaft broker in the test JVM (no Docker; what CI uses). The tests that stop and
 * start the broker always use the embedded one ({@link #controllableBootstrapServers()}).
 */
final class RelayKafka {

	static final String ENV = "LODE_TEST_KAFKA_BOOTSTRAP_SERVERS";

	static final String IMAGE = "apache/kafka:4.1.1";

	private static EmbeddedKafkaKraftBroker broker;

	private static String servers;

	private RelayKafka() {
	}

	/** The broker of the relay tests (the environment's, a container's or the embedded one). */
	static synchronized String bootstrapServers() {
		if (servers == null) {
			String configured = System.getenv(ENV);
			if (configured != null && !configured.isBlank()) {
				servers = configured;
			}
			else if (DockerEngine.answers()) {
				servers = KafkaContainers.start(IMAGE);
			}
			else {
				servers = controllableBootstrapServers();
			}
		}
		return servers;
	}

	/** The embedded broker, which {@link #stop()} and {@link #start()} control. */
	static synchronized String controllableBootstrapServers() {
		if (broker == null) {
			// a fixed port: a broker that stopped and starts again (stop, start) is found there again
			EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, 1).kafkaPorts(freePort());
			// one broker: the exactly-once relay's transactions need their state topic on it
			started.brokerProperties(java.util.Map.of("transaction.state.log.replication.factor", "1",
				"transaction.state.log.min.isr", "1"));
			started.afterPropertiesSet();
			Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
			broker = started;
		}
		return broker.getBrokersAsString();
	}

	/** Stops the broker (its BrokerServer; the KRaft controller stays up): nothing is acknowledged any more. */
	static synchronized void stop() {
		BrokerServer server = broker.getCluster().brokers().values().iterator().next();
		server.shutdown();
		server.awaitShutdown();
	}

	/** Starts the stopped broker again, on its port, with its data. */
	static synchronized void start() {
		broker.getCluster().brokers().values().iterator().next().startup();
	}

	private static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static Admin admin() {
		Properties properties = new Properties();
		properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
		return Admin.create(properties);
	}

	static void createTopic(String name, int partitions, Map<String, String> config) {
		try (Admin admin = admin()) {
			admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(config))).all().get();
		}
		catch (InterruptedException | ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Reads a topic from the start until it has at least {@code count} records (or 60 s passed). */
	static List<ConsumerRecord<String, String>> read(String topic, int count) {
		return read(bootstrapServers(), topic, count);
	}

	/** Reads a topic of the given broker from the start until it has at least {@code count} records (or 60 s). */
	static List<ConsumerRecord<String, String>> read(String bootstrapServers, String topic, int count) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ConsumerConfig.GROUP_ID_CONFIG, "relay-test-" + System.nanoTime());
		properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		List<ConsumerRecord<String, String>> records = new ArrayList<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
				new StringDeserializer())) {
			consumer.subscribe(Set.of(topic));
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (records.size() < count && System.nanoTime() < deadline) {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
			}
			// anything more that arrived (a test that expects exactly count sees it)
			consumer.poll(Duration.ofMillis(500)).forEach(records::add);
		}
		return records;
	}

	static String header(ConsumerRecord<?, ?> record, String name) {
		var header = record.headers().lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(),
				java.nio.charset.StandardCharsets.UTF_8) : null;
	}

}
