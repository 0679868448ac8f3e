package dev.lode.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One consumer of a slot, each run in its own process: {@code pg_recvlogical} (the C reference client, to
 * {@code /dev/null}, measured with {@code /usr/bin/time}), the lode application ({@link LodeConsumerApp}) or
 * Debezium's embedded engine ({@link DebeziumConsumer}).
 */
record Consumer(String id, String label, Kind kind, Format format, String classpathPrefix,
		Map<String, String> extraOptions) {

	Consumer(String id, String label, Kind kind, Format format) {
		this(id, label, kind, format, null);
	}

	Consumer(String id, String label, Kind kind, Format format, String classpathPrefix) {
		this(id, label, kind, format, classpathPrefix, Map.of());
	}

	enum Kind {

		RECVLOGICAL, LODE, DEBEZIUM

	}

	private static final long TIMEOUT_SECONDS = TimeUnit.MINUTES.toSeconds(15);

	/**
	 * @param debezium whether to include Debezium
	 * @return {@code pg_recvlogical} for every format, lode for every format it supports, and Debezium
	 */
	static List<Consumer> all(boolean debezium, String patchedJar) {
		List<Consumer> consumers = new ArrayList<>();
		for (Format format : Format.values()) {
			consumers.add(new Consumer("recv-" + format.id, "pg_recvlogical " + format.id, Kind.RECVLOGICAL, format));
		}
		// what the walsender gains when it sends values in binary (pgoutput's binary option, PostgreSQL 14+)
		consumers.add(new Consumer("recv-pgoutput-binary", "pg_recvlogical pgoutput-v1, binary = true",
				Kind.RECVLOGICAL, Format.PGOUTPUT, null, Map.of("binary", "true")));
		for (Format format : Format.values()) {
			if (format.lodeSupports()) {
				consumers.add(new Consumer("lode-" + format.id, "lode " + format.id, Kind.LODE, format));
			}
		}
		if (patchedJar != null) {
			// A/B test of a product fix: the same lode consumers with the given jar first on the classpath
			for (Format format : Format.values()) {
				if (format.lodeSupports()) {
					consumers.add(new Consumer("lode-" + format.id + "-patched", "lode " + format.id + ", patched",
							Kind.LODE, format, patchedJar));
				}
			}
		}
		if (debezium) {
			consumers.add(new Consumer("debezium", "Debezium 3.6.3 pgoutput", Kind.DEBEZIUM, Format.PGOUTPUT));
		}
		return consumers;
	}

	/** @return why lode consumers of some formats do not run */
	static List<String> skipped() {
		List<String> skipped = new ArrayList<>();
		for (Format format : Format.values()) {
			if (!format.lodeSupports()) {
				skipped.add("lode " + format.id + ": lode does not support it yet (" + format.decoderClass
						+ " or the property " + format.lodeProperties.keySet() + " is missing)");
			}
		}
		return skipped;
	}

	String slot() {
		return "b_" + this.id.replace('-', '_');
	}

	/**
	 * Drains both passes of a workload: {@code pg_recvlogical} in two processes (up to each marker), a JVM consumer
	 * in one process, which reports each pass.
	 * @return the first (cold) and second (warm) pass
	 */
	List<Results.Run> run(Bench bench, Workload workload, int rep, String warmupLsn, String endLsn, long expected)
			throws Exception {
		String name = this.id + "-" + workload.id + "-" + rep;
		if (this.kind == Kind.RECVLOGICAL) {
			List<Results.Run> runs = new ArrayList<>();
			String[] ends = { warmupLsn, endLsn };
			for (int pass = 0; pass < 2; pass++) {
				ServerCpu server = new ServerCpu(bench.pg(), slot());
				server.start();
				Map<String, Object> result = recvlogical(bench, name + "-" + PHASES[pass], ends[pass]);
				result.put("serverCpuSeconds", server.finish());
				runs.add(new Results.Run(this.id, workload.id, rep, PHASES[pass], expected, result));
			}
			return runs;
		}
		ServerCpu server = new ServerCpu(bench.pg(), slot());
		server.start();
		Map<String, Object> result = switch (this.kind) {
			case LODE -> bench.runJvm(name, bench.jvmFlags(), this.classpathPrefix, LodeConsumerApp.class,
					lodeArgs(bench, slot(), this.format, "--bench.expected=" + expected), TIMEOUT_SECONDS);
			default -> bench.runJvm(name, bench.jvmFlags(), null, DebeziumConsumer.class, List.of(
					bench.pg().server.host(), Integer.toString(bench.pg().server.port()), bench.pg().database,
					bench.pg().server.username(), bench.pg().server.password(), slot(), Long.toString(expected)),
					TIMEOUT_SECONDS);
		};
		server.finish();
		Map<String, Object> cold = new LinkedHashMap<>(result);
		Object warmFigures = cold.remove("warm");
		Map<String, Object> warm = new LinkedHashMap<>();
		for (String common : List.of("ok", "error", "peakRssKb", "peakHeapBytes", "totalCpuSeconds", "state")) {
			if (result.containsKey(common)) {
				warm.put(common, result.get(common));
			}
		}
		if (warmFigures instanceof Map<?, ?> m) {
			m.forEach((k, v) -> warm.put((String) k, v));
		}
		else {
			warm.put("ok", false);
			warm.putIfAbsent("error", "no second pass");
		}
		double warmupEnd = server.cpuAt(((Number) cold.getOrDefault("endEpochMillis", 0L)).longValue());
		cold.put("serverCpuSeconds", warmupEnd);
		warm.put("serverCpuSeconds", server.lastCpu() - warmupEnd);
		List<Results.Run> runs = List.of(new Results.Run(this.id, workload.id, rep, Results.Run.COLD, expected, cold),
				new Results.Run(this.id, workload.id, rep, Results.Run.WARM, expected, warm));
		for (Results.Run run : runs) {
			if (run.ok() && ((Number) run.figures().get("changes")).longValue() != expected) {
				run.figures().put("ok", false);
				run.figures().put("error", "received " + run.figures().get("changes") + " changes, expected " + expected);
			}
		}
		return runs;
	}

	private static final String[] PHASES = { Results.Run.COLD, Results.Run.WARM };

	/** The command line of a lode consumer for a slot and format. */
	static List<String> lodeArgs(Bench bench, String slot, Format format, String... extra) {
		List<String> args = new ArrayList<>(List.of("--lode.url=" + bench.pg().url(),
				"--lode.username=" + bench.pg().server.username(), "--lode.password=" + bench.pg().server.password(),
				"--lode.slot.name=" + slot));
		format.lodeProperties.forEach((k, v) -> args.add("--" + k + "=" + v));
		args.addAll(List.of(extra));
		return args;
	}

	/** {@code pg_recvlogical --endpos}: the whole process is timed; CPU and peak RSS from /usr/bin/time. */
	private Map<String, Object> recvlogical(Bench bench, String name, String endLsn) throws Exception {
		Pg pg = bench.pg();
		Path times = bench.out().resolve("logs/" + name + ".time");
		List<String> command = new ArrayList<>();
		boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
		if (timed) {
			command.addAll(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", times.toString()));
		}
		command.add(pg.bin("pg_recvlogical"));
		command.addAll(pg.cliConnection());
		command.addAll(List.of("--slot", slot(), "--start", "--no-loop", "--endpos", endLsn, "-f", "/dev/null"));
		Map<String, String> options = new LinkedHashMap<>(this.format.recvlogicalOptions());
		options.putAll(this.extraOptions);
		options.forEach((k, v) -> command.addAll(List.of("-o", k + "=" + v)));
		ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(bench.out().resolve("logs/" + name + ".log").toFile())
			.redirectInput(new File("/dev/null"));
		pg.cliEnvironment(pb);
		long start = System.nanoTime();
		Process p = pb.start();
		boolean finished = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		double wall = (System.nanoTime() - start) / 1e9;
		Map<String, Object> result = new LinkedHashMap<>();
		if (!finished) {
			p.destroyForcibly();
			result.put("ok", false);
			result.put("error", "timed out");
			return result;
		}
		result.put("ok", p.exitValue() == 0);
		result.put("seconds", wall);
		if (timed && Files.exists(times)) {
			List<String> lines = Files.readAllLines(times);
			String[] f = lines.get(lines.size() - 1).trim().split(" ");
			result.put("seconds", Double.parseDouble(f[0]) > 0 ? Math.min(wall, Double.parseDouble(f[0])) : wall);
			result.put("cpuSeconds", Double.parseDouble(f[1]) + Double.parseDouble(f[2]));
			result.put("peakRssKb", Long.parseLong(f[3]));
		}
		result.put("options", options.toString());
		return result;
	}

}
