package dev.lode.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine, the server and the software of a run, for the report. */
final class Environment {

	private Environment() {
	}

	static Map<String, Object> describe(Pg pg, Map<String, String> options, List<String> jvmFlags) {
		Map<String, Object> env = new LinkedHashMap<>();
		env.put("date", java.time.ZonedDateTime.now().withNano(0).toString());
		env.put("nproc", Runtime.getRuntime().availableProcessors());
		env.put("memory", procLine("/proc/meminfo", "MemTotal"));
		env.put("cpu", procLine("/proc/cpuinfo", "model name"));
		env.put("postgresql", pg.query("select version()"));
		env.put("wal2json", command("dpkg-query", "-W", "-f", "${Package} ${Version}", "postgresql-"
				+ pg.query("select current_setting('server_version_num')::int / 10000") + "-wal2json"));
		env.put("server", pg.server.describe());
		env.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		env.put("pgjdbc", org.postgresql.util.DriverInfo.DRIVER_VERSION);
		env.put("lodeCommit", command("git", "describe", "--always", "--dirty"));
		env.put("jvmFlags", String.join(" ", jvmFlags));
		env.put("options", options.toString());
		env.put("loadAverageAtStart", loadAverage());
		return env;
	}

	static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (Exception ex) {
			return "?";
		}
	}

	private static String procLine(String file, String key) {
		try {
			return Files.readAllLines(Path.of(file))
				.stream()
				.filter(l -> l.startsWith(key))
				.findFirst()
				.map(l -> l.substring(l.indexOf(':') + 1).trim())
				.orElse("?");
		}
		catch (Exception ex) {
			return "?";
		}
	}

	private static String command(String... command) {
		try {
			Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
			String out = new String(p.getInputStream().readAllBytes()).trim();
			return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "?";
		}
		catch (Exception ex) {
			return "?";
		}
	}

}
