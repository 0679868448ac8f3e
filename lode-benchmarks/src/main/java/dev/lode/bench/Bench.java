package dev.lode.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.lode.core.decode.WalDecoder;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmark command: {@code java -jar lode-benchmarks/target/lode-benchmarks.jar all [options]} (see
 * {@code lode-benchmarks/run.sh} and {@code docs/benchmarks.md}). Starts a throwaway PostgreSQL cluster, and for
 * each repetition and workload: creates one slot per consumer, generates the workload and the marker, and drains
 * every slot with its consumer, each in its own process, in an order that rotates between repetitions. Then the
 * latency run, the 1,000,000-row transaction under {@code -Xmx128m}, and the JMH decoder benchmarks on messages
 * captured from the same workloads. Writes {@code results.json}, {@code report.md} and the chart.
 *
 * <p>Options: {@code --quick} (1 repetition, workloads 1/10 the size, short latency, memory and JMH runs),
 * {@code --reps N}, {@code --out DIR} (default {@code lode-benchmarks/target/bench-results}), {@code --chart FILE}
 * (default {@code docs/benchmarks/throughput.png}), {@code --workloads bulk,small,mixed},
 * {@code --no-debezium}, {@code --no-latency}, {@code --no-memory}, {@code --no-jmh},
 * {@code --jvm-flags "..."} (flags of the lode and Debezium JVMs), {@code --jfr} (record the lode consumers
 * with JDK Flight Recorder into DIR/jfr), {@code --ab-jar JAR} (adds a second lode consumer of each format with JAR first on its
 * classpath, e.g. a patched lode-core, to A/B-test a fix in the same run).
 */
public final class Bench {

	/** The flags of both the lode and the Debezium JVM, unless {@code --jvm-flags} says otherwise. */
	static final String DEFAULT_JVM_FLAGS = "-Xmx256m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError";

	private final Map<String, String> options;

	private final boolean quick;

	private final Path out;

	private final List<String> jvmFlags;

	private final Results results = new Results();

	private Pg pg;

	private Bench(Map<String, String> options) {
		this.options = options;
		this.quick = options.containsKey("quick");
		this.out = Path.of(options.getOrDefault("out", "lode-benchmarks/target/bench-results")).toAbsolutePath();
		this.jvmFlags = List.of(options.getOrDefault("jvm-flags", DEFAULT_JVM_FLAGS).trim().split("\\s+"));
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 3 && args[0].equals("decode-cold")) {
			// decode-cold DIR CHART: add the cold decoding figures to an earlier run, redo report.md and chart
			Path dir = Path.of(args[1]).toAbsolutePath();
			Results results = Report.read(dir);
			Bench bench = new Bench(Map.of("out", dir.toString()));
			results.decodeCold = bench.decodeCold(dir.resolve("payloads"),
					String.valueOf(results.environment.get("options")).contains("quick=true"));
			Report.write(results, dir, Path.of(args[2]));
			return;
		}
		if (args.length == 3 && args[0].equals("report")) {
			Report.rewrite(Path.of(args[1]), Path.of(args[2])); // report DIR CHART: redo report.md and chart
			return;
		}
		if (args.length == 0 || !args[0].equals("all")) {
			System.err.println("usage: java -jar lode-benchmarks.jar all [--quick] [--reps N] [--out DIR]"
					+ " [--chart FILE] [--workloads bulk,small,mixed] [--no-debezium] [--no-latency] [--no-memory]"
					+ " [--no-jmh] [--jvm-flags \"...\"] [--jfr] [--ab-jar JAR]");
			System.exit(2);
		}
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 1; i < args.length; i++) {
			String name = args[i].replaceFirst("^--", "");
			boolean valued = List.of("reps", "out", "chart", "workloads", "jvm-flags", "ab-jar").contains(name);
			options.put(name, valued ? args[++i] : "true");
		}
		new Bench(options).run();
		System.exit(0);
	}

	private void run() throws Exception {
		long started = System.nanoTime();
		Files.createDirectories(this.out.resolve("logs"));
		log("Starting a throwaway PostgreSQL cluster");
		this.pg = Pg.start();
		this.results.environment = Environment.describe(this.pg, this.options, this.jvmFlags);
		log("Environment: " + this.results.environment);

		int reps = Integer.parseInt(this.options.getOrDefault("reps", this.quick ? "1" : "3"));
		List<Workload> workloads = Arrays.stream(this.options.getOrDefault("workloads", "bulk,small,mixed").split(","))
			.map(w -> Workload.valueOf(w.trim().toUpperCase()))
			.toList();
		List<Consumer> consumers = Consumer.all(!this.options.containsKey("no-debezium"), this.options.get("ab-jar"));
		this.results.skipped = Consumer.skipped();
		this.results.skipped.forEach(s -> log("Skipped: " + s));
		for (int rep = 1; rep <= reps; rep++) {
			for (Workload workload : workloads) {
				round(rep, workload, rotate(consumers, rep - 1), rep == 1);
			}
		}
		if (!this.options.containsKey("no-latency")) {
			latency();
		}
		if (!this.options.containsKey("no-memory")) {
			memory();
		}
		if (!this.options.containsKey("no-jmh")) {
			jmh();
			this.results.decodeCold = decodeCold(this.out.resolve("payloads"), this.quick);
		}
		this.pg.dropSlots();
		this.results.environment.put("loadAverageAtEnd", Environment.loadAverage());
		this.results.environment.put("totalMinutes", String.format("%.1f", (System.nanoTime() - started) / 6e10));
		Path chart = Path.of(this.options.getOrDefault("chart", "docs/benchmarks/throughput.png")).toAbsolutePath();
		Report.write(this.results, workloads, consumers, this.out, chart);
		log("Done in " + this.results.environment.get("totalMinutes") + " min: " + this.out.resolve("report.md")
				+ ", " + chart);
	}

	/** One repetition of one workload: fresh table and slots, the workload, then every consumer. */
	private void round(int rep, Workload workload, List<Consumer> consumers, boolean capture) throws Exception {
		log("Repetition " + rep + ", " + workload.id + ": generating " + workload.changes(this.quick) + " changes");
		this.pg.resetTable();
		workload.prepare(this.pg);
		for (Consumer consumer : consumers) {
			this.pg.createSlot(consumer.slot(), consumer.format().plugin);
		}
		List<Format> captured = new ArrayList<>();
		if (capture && !this.options.containsKey("no-jmh")) {
			for (Format format : Format.values()) {
				if (format.newDecoder() != null) {
					this.pg.createSlot("b_cap_" + format.name().toLowerCase(), format.plugin);
					captured.add(format);
				}
			}
		}
		long generateStart = System.nanoTime();
		// both passes start right after a checkpoint (the same full-page images), with no autovacuum on the table
		this.pg.execute("checkpoint");
		workload.generate(this.pg, this.quick, 0);
		String warmupLsn = this.pg.insertMarker(Pg.WARMUP_MARKER);
		this.pg.execute("checkpoint");
		workload.generate(this.pg, this.quick, 1);
		String endLsn = this.pg.insertMarker(Pg.END_MARKER);
		log(String.format("  generated twice in %.1f s, first pass ends at %s, second at %s",
				(System.nanoTime() - generateStart) / 1e9, warmupLsn, endLsn));
		long expected = workload.changes(this.quick);
		for (Consumer consumer : consumers) {
			for (Results.Run run : consumer.run(this, workload, rep, warmupLsn, endLsn, expected)) {
				this.results.runs.add(run);
				log(String.format("  %-22s %-4s %s", consumer.id(), run.phase(), run.summary()));
			}
		}
		for (Format format : captured) {
			Payloads.capture(this.pg, "b_cap_" + format.name().toLowerCase(), format.recvlogicalOptions(),
					8_000_000, Payloads.file(this.out.resolve("payloads"), format, workload));
		}
		this.pg.dropSlots();
	}

	/** Commit-to-listener latency of lode at a steady rate of single-row transactions. */
	private void latency() throws Exception {
		int seconds = this.quick ? 5 : 20;
		log("Latency: 500 tx/s for " + seconds + " s (after 3 s warm-up)");
		this.pg.resetTable();
		this.pg.createSlot("b_lode_latency", "wal2json");
		this.pg.createSlot("b_raw_latency", "wal2json");
		Map<String, Object> result = runJvm("lode-latency", this.jvmFlags, LodeConsumerApp.class, Consumer.lodeArgs(
				this, "b_lode_latency", Format.WAL2JSON_V2, "--bench.mode=latency", "--bench.rate=500",
				"--bench.raw-slot=b_raw_latency",
				"--bench.seconds=" + seconds, "--bench.warmup=3"), TimeUnit.MINUTES.toSeconds(5));
		this.results.latency = result;
		log("  " + result);
	}

	/** One transaction of 1,000,000 rows through lode in a JVM with -Xmx128m. */
	private void memory() throws Exception {
		long rows = this.quick ? 100_000 : 1_000_000;
		log("Memory: one transaction of " + rows + " rows through lode with -Xmx128m");
		this.pg.resetTable();
		this.pg.createSlot("b_lode_memory", "wal2json");
		this.pg.execute("insert into bench (big, txt, num, ts, flag) select " + Pg.ROW + " from generate_series(1, "
				+ rows + ") g");
		this.pg.insertMarker();
		List<String> flags = List.of("-Xmx128m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
		Map<String, Object> result = runJvm("lode-memory", flags, LodeConsumerApp.class,
				Consumer.lodeArgs(this, "b_lode_memory", Format.WAL2JSON_V2), TimeUnit.MINUTES.toSeconds(10));
		result.put("rows", rows);
		result.put("jvmFlags", String.join(" ", flags));
		this.results.memory = result;
		log("  " + result);
	}

	/** JMH benchmarks of every decoder lode has, on the messages captured in repetition 1. */
	private void jmh() throws Exception {
		Path payloads = this.out.resolve("payloads");
		List<String> formats = new ArrayList<>();
		for (Format format : Format.values()) {
			if (format.newDecoder() != null && Files.exists(Payloads.file(payloads, format, Workload.BULK))) {
				formats.add(format.id);
			}
		}
		List<String> workloads = new ArrayList<>();
		for (Workload workload : Workload.values()) {
			if (Files.exists(Payloads.file(payloads, Format.WAL2JSON_V2, workload))) {
				workloads.add(workload.id);
			}
		}
		log("JMH: decoders " + formats + " on " + workloads);
		OptionsBuilder jmh = new OptionsBuilder();
		jmh.include(DecoderBenchmark.class.getName())
			.param("format", formats.toArray(new String[0]))
			.param("workload", workloads.toArray(new String[0]))
			.forks(1)
			.warmupIterations(this.quick ? 1 : 3)
			.warmupTime(TimeValue.seconds(this.quick ? 1 : 2))
			.measurementIterations(this.quick ? 2 : 5)
			.measurementTime(TimeValue.seconds(this.quick ? 1 : 2))
			.jvmArgsAppend("-Xmx1g", "-Dlode.bench.payloads=" + payloads)
			.output(this.out.resolve("logs/jmh.log").toString());
		for (RunResult result : new Runner(jmh.build()).run()) {
			Format format = Format.byId(result.getParams().getParam("format"));
			Workload workload = Workload.valueOf(result.getParams().getParam("workload").toUpperCase());
			Payloads p = Payloads.load(Payloads.file(payloads, format, workload));
			Payloads.CountingSink sink = new Payloads.CountingSink();
			WalDecoder decoder = format.newDecoder();
			p.decodeAll(decoder, sink);
			double opsPerSecond = result.getPrimaryResult().getScore();
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("format", format.id);
			row.put("workload", workload.id);
			row.put("messages", p.frames.length);
			row.put("changesPerOp", sink.changes);
			row.put("bytesPerOp", p.bytes);
			row.put("opsPerSecond", opsPerSecond);
			row.put("opsError", result.getPrimaryResult().getScoreError());
			row.put("mbPerSecond", opsPerSecond * p.bytes / 1e6);
			row.put("changesPerSecond", opsPerSecond * sink.changes);
			row.put("messagesPerSecond", opsPerSecond * p.frames.length);
			// the same decoding measured in thread CPU time, which competing processes disturb much less
			Map<String, Object> cpu = runJvm("decoder-cpu-" + format.id + "-" + workload.id, List.of("-Xmx1g"),
					DecoderCpu.class, List.of(payloads.toString(), format.id, workload.id, this.quick ? "3" : "9"), 120);
			row.put("cpuNanosPerChange", cpu.get("cpuNanosPerChange"));
			row.put("cpuMbPerSecond", cpu.get("cpuMbPerSecond"));
			this.results.jmh.add(row);
			log("  " + row);
		}
	}

	/**
	 * {@link DecoderCold} for every captured format and workload: a fresh JVM with the consumers' flags decodes a
	 * whole workload's worth of changes.
	 */
	private List<Map<String, Object>> decodeCold(Path payloads, boolean quick) throws Exception {
		List<Map<String, Object>> rows = new ArrayList<>();
		for (Format format : Format.values()) {
			for (Workload workload : Workload.values()) {
				if (format.newDecoder() == null || !Files.exists(Payloads.file(payloads, format, workload))) {
					continue;
				}
				Map<String, Object> row = runJvm("decoder-cold-" + format.id + "-" + workload.id, this.jvmFlags,
						DecoderCold.class, List.of(payloads.toString(), format.id, workload.id,
								Long.toString(workload.changes(quick))), 300);
				rows.add(row);
				log("  cold decoding " + row);
			}
		}
		return rows;
	}

	/** Runs a JVM child (same JDK, same classpath) and returns its result line. */
	Map<String, Object> runJvm(String name, List<String> flags, Class<?> main, List<String> args, long timeoutSeconds)
			throws Exception {
		return runJvm(name, flags, null, main, args, timeoutSeconds);
	}

	/** Runs a JVM child with {@code classpathPrefix} (if not null) before this JVM's classpath. */
	Map<String, Object> runJvm(String name, List<String> flags, String classpathPrefix, Class<?> main,
			List<String> args, long timeoutSeconds) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(flags);
		if (this.options.containsKey("jfr") && main == LodeConsumerApp.class) {
			Files.createDirectories(this.out.resolve("jfr"));
			command.add("-XX:StartFlightRecording=settings=profile,filename=" + this.out.resolve("jfr/" + name + ".jfr"));
		}
		String classpath = System.getProperty("java.class.path");
		command.addAll(List.of("-cp", (classpathPrefix != null) ? classpathPrefix + File.pathSeparator + classpath
				: classpath, main.getName()));
		command.addAll(args);
		Path log = this.out.resolve("logs/" + name + ".log");
		Process p = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.redirectInput(new File("/dev/null"))
			.start();
		if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			p.waitFor();
		}
		Map<String, Object> result = ProcStats.readResult(log);
		if (result == null) {
			result = new LinkedHashMap<>(Map.of("ok", false, "error", "no result, see " + log));
		}
		if (p.exitValue() != 0) {
			result.put("ok", false);
			result.putIfAbsent("error", "exit code " + p.exitValue() + ", see " + log);
		}
		return result;
	}

	Pg pg() {
		return this.pg;
	}

	Path out() {
		return this.out;
	}

	List<String> jvmFlags() {
		return this.jvmFlags;
	}

	private static <T> List<T> rotate(List<T> list, int by) {
		List<T> rotated = new ArrayList<>(list);
		java.util.Collections.rotate(rotated, -(by % Math.max(1, list.size())));
		return rotated;
	}

	/** A benchmark's body. */
	@FunctionalInterface
	interface Body {

		void run() throws Exception;

	}

	/** Runs the body and exits the JVM: 0 when it completed, 1 when it threw (threads of a broker or engine stay). */
	static void exitAfter(Body body) {
		try {
			body.run();
			System.exit(0);
		}
		catch (Throwable ex) {
			ex.printStackTrace();
			System.exit(1);
		}
	}

	static void log(String message) {
		System.out.printf("%tT %s%n", System.currentTimeMillis(), message);
		System.out.flush();
	}

}
