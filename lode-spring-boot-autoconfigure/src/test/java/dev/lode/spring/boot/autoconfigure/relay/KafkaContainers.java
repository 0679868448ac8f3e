package dev.lode.spring.boot.autoconfigure.relay;

import org.testcontainers.kafka.KafkaContainer;

/**
 * Testcontainers Kafka for the relay tests when a Docker engine answers; in a class of its own so that the tests
 * load no Testcontainers class on a machine without Docker.
 */
final class KafkaContainers {

	private KafkaContainers() {
	}

	/** Starts a KRaft broker of the image, stopped when the JVM exits; returns its bootstrap servers. */
	@SuppressWarnings("resource") // stopped by the shutdown hook (and Ryuk)
	static String start(String image) {
		KafkaContainer kafka = new KafkaContainer(image);
		kafka.start();
		Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop));
		return kafka.getBootstrapServers();
	}

}
