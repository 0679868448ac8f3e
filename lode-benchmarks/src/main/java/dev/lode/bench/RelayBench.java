package dev.lode.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Kafka relay's throughput against a bare {@code KafkaProducer} on the same broker (an embedded KRaft broker in
 * this JVM, Kafka's KafkaClusterTestKit, 4 partitions): lode streams {@code changes} committed rows (1,000-row transactions, pgoutput) from a
 * slot and relays them ({@code lode.relay.kafka.tables=bench}); then the records it produced are written to a file,
 * read back into memory and sent by a bare producer with the relay's settings ({@code acks=all}, idempotent, byte
 * arrays) to a second topic. Both rates are records acknowledged by the broker per second, measured by the same
 * instrument: the topic's end offsets, polled every 10 ms, from the first record to the last. Usage:
 * {@code java -cp lode-benchmarks.jar dev.lode.bench.RelayBench [changes] [out-dir] [--property=value of the relay run]...}.
 */
public final class RelayBench {

	private RelayBench() {
	}

	public static void main(String[] args) {
		Bench.exitAfter(() -> run(args)); // the broker's threads would keep the JVM alive
	}

	private static void run(String[] args) throws Exception {
		int changes = (args.length > 0) ? Integer.parseInt(args[0]) : 200_000;
		Path out = Path.of((args.length > 1) ? args[1] : "target/relay-bench");
		Files.createDirectories(out);
		// --broker=process: a broker process of its own (kafka.Kafka from kafka_2.13), else one in this JVM
		boolean brokerProcess = List.of(args).contains("--broker=process");
		args = List.of(args).stream().filter((arg) -> !arg.equals("--broker=process")).toArray(String[]::new);
		KafkaClusterTestKit broker = null;
		BrokerProcess process = null;
		String servers;
		if (brokerProcess) {
			process = BrokerProcess.start(out);
			servers = process.bootstrapServers();
		}
		else {
			// Kafka's own test kit (spring-kafka-test's wrapper calls an API that Debezium's Kafka 4.3 no longer has)
			broker = new KafkaClusterTestKit.Builder(
					new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
				// one broker: the exactly-once relay's transactions need their state topic on it
				.setConfigProp("transaction.state.log.replication.factor", "1")
				.setConfigProp("transaction.state.log.min.isr", "1")
				.build();
			broker.format();
			broker.startup();
			broker.waitForReadyBrokers();
			servers = broker.bootstrapServers();
		}
		Map<String, Long> brokerPid = (process != null) ? Map.of("broker process", process.pid()) : Map.of();
		createTopic(servers, "relay.public.bench");
		createTopic(servers, "bare.bench");
		createTopic(servers, "perf.bench");
		Pg pg = Pg.start();
		pg.resetTable();
		pg.createSlot("b_relay", "pgoutput");
		Bench.log("Writing " + changes + " changes (1,000-row transactions)");
		for (int from = 1; from <= changes; from += 1000) {
			pg.execute("insert into bench (big, txt, num, ts, flag) select " + Pg.ROW + " from generate_series("
					+ from + ", " + Math.min(changes, from + 999) + ") g");
		}

		SpringApplication app = new SpringApplication(RelayApp.class);
		app.setDefaultProperties(Map.of("spring.main.banner-mode", "off", "logging.level.root", "WARN",
				"lode.slot.create", "false", "lode.plugin", "pgoutput", "lode.pgoutput.publication", Pg.PUBLICATION));
		List<String> arguments = new ArrayList<>(List.of("--lode.url=" + pg.url(),
				"--lode.username=" + pg.server.username(), "--lode.password=" + pg.server.password(),
				"--lode.slot.name=b_relay", "--spring.kafka.bootstrap-servers=" + servers,
				"--lode.relay.kafka.enabled=true", "--lode.relay.kafka.tables=bench", "--lode.relay.kafka.topic-prefix=relay"));
		// further lode / spring.kafka properties of the relay run, e.g. --lode.listener.max-in-flight=10000
		arguments.addAll(List.of(args).subList(Math.min(2, args.length), args.length));
		Bench.log("relay arguments beyond the connection: " + arguments.subList(5, arguments.size()));
		ConfigurableApplicationContext context = app.run(arguments.toArray(String[]::new));
		double[] relay;
		Map<String, String> relayCpu;
		try {
			String walsender = pg.query("select active_pid from pg_replication_slots where slot_name = 'b_relay'");
			Map<String, Long> processes = new java.util.LinkedHashMap<>(brokerPid);
			if (walsender != null) {
				processes.put(CpuAccount.WALSENDER, Long.parseLong(walsender));
			}
			Map<String, Long> before = CpuAccount.snapshot(processes);
			relay = measure(servers, "relay.public.bench", changes);
			relayCpu = CpuAccount.perThousand(before, CpuAccount.snapshot(processes), changes);
		}
		finally {
			context.close();
		}
		Bench.log(String.format("relay: %,.0f changes/s acknowledged (warm: %,.0f)", relay[0], relay[1]));

		Path file = out.resolve("records.bin");
		int written = dump(servers, "relay.public.bench", file);
		List<ProducerRecord<byte[], byte[]>> records = load(file, "bare.bench");
		Bench.log("bare producer: " + written + " records from " + file + " (" + Files.size(file) / 1024 / 1024
				+ " MiB)");
		double[] bare;
		Map<String, String> bareCpu;
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(servers))) {
			CountDownLatch counted = new CountDownLatch(1);
			Thread sender = new Thread(() -> {
				records.forEach((record) -> producer.send(record));
				// alive until its CPU time is read: an ended thread leaves /proc/self/task
				awaitUninterruptibly(counted);
			}, "bare-sender");
			Map<String, Long> before = CpuAccount.snapshot(brokerPid);
			sender.start();
			bare = measure(servers, "bare.bench", records.size());
			bareCpu = CpuAccount.perThousand(before, CpuAccount.snapshot(brokerPid), records.size());
			counted.countDown();
			sender.join();
		}
		Bench.log(String.format("bare KafkaProducer: %,.0f records/s acknowledged (warm: %,.0f)", bare[0], bare[1]));

		// the broker's own producer benchmark: records of the relay's average value size, acks=all, its defaults else
		long bytes = 0;
		for (ProducerRecord<byte[], byte[]> record : records) {
			bytes += (record.value() != null) ? record.value().length : 0;
		}
		int recordSize = (int) Math.max(1, bytes / Math.max(1, records.size()));
		records.clear();
		double[] perf = new double[2];
		Map<String, String> perfCpu;
		String[] perfArgs = { "--topic", "perf.bench", "--num-records", String.valueOf(written), "--record-size",
				String.valueOf(recordSize), "--throughput", "-1", "--producer-props", "acks=all",
				"bootstrap.servers=" + servers };
		Bench.log("ProducerPerformance " + String.join(" ", perfArgs));
		CountDownLatch perfCounted = new CountDownLatch(1);
		Throwable[] perfFailure = new Throwable[1];
		Thread perfSender = new Thread(() -> {
			try {
				Class<?> type = Class.forName("org.apache.kafka.tools.ProducerPerformance");
				java.lang.reflect.Constructor<?> constructor = type.getDeclaredConstructor();
				constructor.setAccessible(true);
				java.lang.reflect.Method start = type.getDeclaredMethod("start", String[].class);
				start.setAccessible(true);
				start.invoke(constructor.newInstance(), (Object) perfArgs);
			}
			catch (Throwable ex) {
				perfFailure[0] = ex;
			}
			awaitUninterruptibly(perfCounted);
		}, "perf-sender");
		Map<String, Long> perfBefore = CpuAccount.snapshot(brokerPid);
		perfSender.start();
		perf = measure(servers, "perf.bench", written);
		perfCpu = CpuAccount.perThousand(perfBefore, CpuAccount.snapshot(brokerPid), written);
		perfCounted.countDown();
		perfSender.join();
		if (perfFailure[0] != null) {
			throw new IllegalStateException("ProducerPerformance failed", perfFailure[0]);
		}
		Bench.log(String.format("ProducerPerformance: %,.0f records/s acknowledged (warm: %,.0f)", perf[0], perf[1]));
		String report = String.format("Broker: %s. Average record value: %d bytes.%n%n"
				+ "| sender | changes/s acknowledged, whole run | the last two thirds (warm) |%n"
				+ "|---|---:|---:|%n| lode relay (pgoutput, %,d changes in 1,000-row transactions) | %,.0f | %,.0f |%n"
				+ "| bare KafkaProducer, same records from a file | %,.0f | %,.0f |%n"
				+ "| ProducerPerformance (acks=all, %d-byte records) | %,.0f | %,.0f |%n"
				+ "| **ratio relay / ProducerPerformance** | **%.2f** | **%.2f** |%n"
				+ "| ratio relay / bare KafkaProducer | %.2f | %.2f |%n",
				brokerProcess ? "a process of its own (kafka.Kafka, KRaft)" : "embedded in the benchmark's JVM",
				recordSize, changes, relay[0], relay[1], bare[0], bare[1], recordSize, perf[0], perf[1],
				relay[0] / perf[0], relay[1] / perf[1], relay[0] / bare[0], relay[1] / bare[1]);
		StringBuilder cpu = new StringBuilder(String.format("%n| CPU ms per 1,000 records (whole phase) | lode relay |"
				+ " bare KafkaProducer | ProducerPerformance |%n|---|---:|---:|---:|%n"));
		for (String role : relayCpu.keySet()) {
			cpu.append(String.format("| %s | %s | %s | %s |%n", role, relayCpu.get(role),
					bareCpu.getOrDefault(role, "0.0"), perfCpu.getOrDefault(role, "0.0")));
		}
		report = report + cpu;
		Files.writeString(out.resolve("relay.md"), report);
		Bench.log("\n" + report);
		pg.dropSlots();
		if (broker != null) {
			broker.close();
		}
		if (process != null) {
			process.close();
		}
	}

	/**
	 * Polls the topic's end offsets every 10 ms until {@code expected} records are there.
	 * @return records per second from the first record seen to the last ({@code [0]}), and from the moment a third
	 * of them were there to the last ({@code [1]}: warm, without the JIT compiling the path and the clients' start)
	 */
	private static double[] measure(String servers, String topic, int expected) throws InterruptedException {
		try (KafkaConsumer<byte[], byte[]> consumer = consumer(servers)) {
			List<TopicPartition> partitions = partitions(consumer, topic);
			long first = 0;
			long firstCount = 0;
			long warm = 0;
			long warmCount = 0;
			long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
			while (System.nanoTime() < deadline) {
				long count = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
				long now = System.nanoTime();
				if (count > 0 && first == 0) {
					first = now;
					firstCount = count;
				}
				if (count >= expected / 3 && warm == 0) {
					warm = now;
					warmCount = count;
				}
				if (count >= expected) {
					return new double[] { (count - firstCount) / ((now - first) / 1e9),
							(count - warmCount) / ((now - warm) / 1e9) };
				}
				Thread.sleep(10);
			}
			throw new IllegalStateException(topic + ": timed out");
		}
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int dump(String servers, String topic, Path file) throws IOException {
		int count = 0;
		try (KafkaConsumer<byte[], byte[]> consumer = consumer(servers);
				DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
			List<TopicPartition> partitions = partitions(consumer, topic);
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
			// until each partition's end: with the exactly-once relay, transaction markers take offsets too
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < ends.get(partition))) {
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					write(data, record.key());
					write(data, record.value());
					Header[] headers = record.headers().toArray();
					data.writeInt(headers.length);
					for (Header header : headers) {
						data.writeUTF(header.key());
						write(data, header.value());
					}
					count++;
				}
			}
		}
		return count;
	}

	private static List<ProducerRecord<byte[], byte[]>> load(Path file, String topic) throws IOException {
		List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
			while (true) {
				byte[] key;
				try {
					key = read(data);
				}
				catch (EOFException ex) {
					return records;
				}
				byte[] value = read(data);
				RecordHeaders headers = new RecordHeaders();
				int count = data.readInt();
				for (int i = 0; i < count; i++) {
					headers.add(data.readUTF(), read(data));
				}
				records.add(new ProducerRecord<>(topic, null, key, value, headers));
			}
		}
	}

	private static void write(DataOutputStream data, byte[] bytes) throws IOException {
		data.writeInt((bytes != null) ? bytes.length : -1);
		if (bytes != null) {
			data.write(bytes);
		}
	}

	private static byte[] read(DataInputStream data) throws IOException {
		int length = data.readInt();
		if (length < 0) {
			return null;
		}
		byte[] bytes = new byte[length];
		data.readFully(bytes);
		return bytes;
	}

	private static Properties producerProperties(String servers) {
		Properties properties = new Properties();
		properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
		properties.put(ProducerConfig.ACKS_CONFIG, "all");
		properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
		properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
		properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		return properties;
	}

	private static KafkaConsumer<byte[], byte[]> consumer(String servers) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
		// what a consumer of the exactly-once relay sees (committed transactions; the same without transactions)
		properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

	private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
		return consumer.partitionsFor(topic, Duration.ofSeconds(30))
			.stream()
			.map((info) -> new TopicPartition(topic, info.partition()))
			.toList();
	}

	private static void createTopic(String servers, String topic) throws Exception {
		Properties properties = new Properties();
		properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
		try (Admin admin = Admin.create(properties)) {
			admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class RelayApp {

	}

}
