package dev.lode.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * A Kafka broker as a process of its own (KRaft, broker and controller in one node): the {@code kafka.Kafka} server
 * of the {@code kafka_2.13} jar from Maven Central, run with this JVM's class path, its log in the output directory.
 */
final class BrokerProcess implements AutoCloseable {

	private final Process process;

	private final String bootstrapServers;

	private BrokerProcess(Process process, String bootstrapServers) {
		this.process = process;
		this.bootstrapServers = bootstrapServers;
	}

	static BrokerProcess start(Path directory) throws Exception {
		Files.createDirectories(directory);
		int port = freePort();
		int controllerPort = freePort();
		Path data = Files.createTempDirectory("relay-bench-kafka");
		Path config = directory.resolve("server.properties");
		Files.writeString(config, String.join("\n", "process.roles=broker,controller", "node.id=1",
				"controller.quorum.bootstrap.servers=localhost:" + controllerPort,
				"listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
				"advertised.listeners=PLAINTEXT://localhost:" + port, "controller.listener.names=CONTROLLER",
				"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT", "log.dirs=" + data,
				"num.partitions=4", "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
				"transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0") + "\n");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String classpath = System.getProperty("java.class.path");
		Process format = new ProcessBuilder(java, "-cp", classpath, "kafka.tools.StorageTool", "format", "-t",
				UUID.randomUUID().toString().replace("-", "").substring(0, 22), "-c", config.toString(), "--standalone")
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("kafka-format.log").toFile())
			.start();
		if (format.waitFor() != 0) {
			throw new IllegalStateException("kafka-storage format failed: see " + directory.resolve("kafka-format.log"));
		}
		Process broker = new ProcessBuilder(java, "-Xmx1g", "-cp", classpath, "kafka.Kafka", config.toString())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("kafka-broker.log").toFile())
			.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (!answers(port)) {
			if (!broker.isAlive() || System.nanoTime() > deadline) {
				broker.destroyForcibly();
				throw new IllegalStateException("The Kafka broker process did not start: see "
						+ directory.resolve("kafka-broker.log"));
			}
			Thread.sleep(200);
		}
		Bench.log("Kafka broker process " + broker.pid() + " at localhost:" + port);
		return new BrokerProcess(broker, "localhost:" + port);
	}

	String bootstrapServers() {
		return this.bootstrapServers;
	}

	/** @return the broker's process id (its CPU time is read like the walsender's) */
	long pid() {
		return this.process.pid();
	}

	private static boolean answers(int port) {
		try (Socket socket = new Socket("localhost", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
