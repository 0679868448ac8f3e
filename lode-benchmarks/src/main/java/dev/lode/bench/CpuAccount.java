package dev.lode.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the CPU time of a benchmark phase goes: this JVM's threads by role (from {@code /proc/self/task}, Linux
 * only), further processes (PostgreSQL's walsender), and how busy the whole machine was ({@code /proc/stat}).
 * Times are in clock ticks (USER_HZ, 100 per second on Linux), differences of two snapshots.
 */
final class CpuAccount {

	/** Roles in report order; a thread's role is the first whose name prefix matches, else the broker. */
	private static final Map<String, List<String>> ROLES = new LinkedHashMap<>();

	static {
		ROLES.put("relay sender thread (records to the producer)", List.of("lode-relay-"));
		ROLES.put("lode (read, decode, dispatch, listener)", List.of("lode-"));
		ROLES.put("producer I/O thread", List.of("kafka-producer-"));
		ROLES.put("bare sender thread", List.of("bare-sender"));
		ROLES.put("ProducerPerformance thread", List.of("perf-sender"));
		ROLES.put("JIT compiler", List.of("C1 CompilerThre", "C2 CompilerThre"));
		ROLES.put("GC", List.of("GC Thread", "G1 "));
		ROLES.put("benchmark (polls end offsets)", List.of("java"));
		ROLES.put("broker (same JVM)", List.of(""));
	}

	static final String WALSENDER = "PostgreSQL walsender";

	private static final String MACHINE_BUSY = "machine busy";

	private static final String MACHINE_TOTAL = "machine total";

	private CpuAccount() {
	}

	/** Ticks by role, plus the given processes' and the machine's. */
	static Map<String, Long> snapshot(Map<String, Long> processes) {
		Map<String, Long> ticks = new LinkedHashMap<>();
		ROLES.keySet().forEach((role) -> ticks.put(role, 0L));
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			tasks.forEach((task) -> {
				try {
					String name = Files.readString(task.resolve("comm")).strip();
					ticks.merge(role(name), ticks(task.resolve("stat")), Long::sum);
				}
				catch (IOException ex) {
					// the thread ended between listing and reading
				}
			});
			for (Map.Entry<String, Long> process : processes.entrySet()) {
				ticks.put(process.getKey(), ticks(Path.of("/proc", process.getValue().toString(), "stat")));
			}
			String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < cpu.length; i++) {
				total += Long.parseLong(cpu[i]);
			}
			long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
			ticks.put(MACHINE_BUSY, total - idle);
			ticks.put(MACHINE_TOTAL, total);
		}
		catch (IOException ex) {
			throw new IllegalStateException("CPU accounting needs Linux's /proc", ex);
		}
		return ticks;
	}

	private static String role(String name) {
		for (Map.Entry<String, List<String>> role : ROLES.entrySet()) {
			for (String prefix : role.getValue()) {
				if (name.startsWith(prefix)) {
					return role.getKey();
				}
			}
		}
		throw new IllegalStateException("unreachable: the broker's prefix matches every name");
	}

	/** utime + stime of a task or process. */
	private static long ticks(Path stat) throws IOException {
		String text = Files.readString(stat);
		String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/**
	 * One column of the CPU table: milliseconds per 1,000 records of each role between two snapshots, and the
	 * machine's utilisation (of all its cores) in that time.
	 */
	static Map<String, String> perThousand(Map<String, Long> before, Map<String, Long> after, long records) {
		Map<String, String> column = new LinkedHashMap<>();
		long sum = 0;
		for (String role : after.keySet()) {
			if (role.startsWith("machine")) {
				continue;
			}
			long ticks = after.get(role) - before.getOrDefault(role, 0L);
			sum += ticks;
			column.put(role, String.format("%.1f", ticks * 10.0 * 1000 / records));
		}
		column.put("sum", String.format("%.1f", sum * 10.0 * 1000 / records));
		long busy = after.get(MACHINE_BUSY) - before.get(MACHINE_BUSY);
		long total = after.get(MACHINE_TOTAL) - before.get(MACHINE_TOTAL);
		column.put("machine busy (all cores)", String.format("%.0f%%", 100.0 * busy / total));
		return column;
	}

}
