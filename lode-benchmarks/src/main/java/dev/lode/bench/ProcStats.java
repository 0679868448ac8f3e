package dev.lode.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a consumer JVM measures about itself, and how it hands the figures to the orchestrator: one line
 * {@code BENCH-RESULT {json}} on standard output.
 */
final class ProcStats {

	static final String RESULT_PREFIX = "BENCH-RESULT ";

	private static final ObjectMapper JSON = new ObjectMapper();

	private ProcStats() {
	}

	/** @return CPU seconds (user + system, all threads) this JVM used so far */
	static double cpuSeconds() {
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		return os.getProcessCpuTime() / 1e9;
	}

	/** @return peak resident set size of this process in KiB ({@code VmHWM}), or -1 */
	static long peakRssKb() {
		return statusField("VmHWM");
	}

	private static long statusField(String name) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith(name + ":")) {
					return Long.parseLong(line.substring(name.length() + 1).trim().split("\\s+")[0]);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux
		}
		return -1;
	}

	/**
	 * @return CPU seconds of this process's threads so far, summed by kind: the JIT compilers, the garbage
	 * collector, lode's replication thread and everything else (from {@code /proc/self/task/<tid>/stat})
	 */
	static Map<String, Double> threadCpu() {
		Map<String, Double> byKind = new java.util.TreeMap<>();
		try (var tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : tasks.toList()) {
				try {
					String stat = Files.readString(task.resolve("stat"));
					String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
					String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
					String kind = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "jit"
							: name.startsWith("GC ") || name.startsWith("G1 ") ? "gc"
									: name.startsWith("lode-replicati") ? "lode-replication" : "other";
					byKind.merge(kind, seconds, Double::sum);
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended
				}
			}
		}
		catch (IOException ex) {
			// not Linux
		}
		return byKind;
	}

	/** @return the sum of the peak usage of the heap memory pools, in bytes */
	static long peakHeapBytes() {
		long sum = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
				sum += pool.getPeakUsage().getUsed();
			}
		}
		return sum;
	}

	/** Prints the result line and flushes. */
	static void printResult(Map<String, Object> result) {
		try {
			System.out.println(RESULT_PREFIX + JSON.writeValueAsString(result));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		System.out.flush();
	}

	/**
	 * @param log a consumer's output
	 * @return the figures of its last result line, or {@code null}
	 */
	@SuppressWarnings("unchecked")
	static Map<String, Object> readResult(Path log) throws IOException {
		Map<String, Object> result = null;
		for (String line : Files.readAllLines(log)) {
			int at = line.indexOf(RESULT_PREFIX);
			if (at >= 0) {
				result = JSON.readValue(line.substring(at + RESULT_PREFIX.length()), Map.class);
			}
		}
		return result;
	}

}
