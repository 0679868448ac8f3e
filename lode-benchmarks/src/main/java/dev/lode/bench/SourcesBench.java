package dev.lode.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * Two sources in one application against one ({@code lode.sources.<name>}): the same changes (10-row transactions
 * of the workload table, pgoutput) written alternately into two databases of one server; "one source" streams
 * database A's changes from one slot, "two sources" streams A's and B's at once from a slot each (each walsender
 * reads the WAL of both databases, as on any shared server). Reports the changes per second of each source (first
 * to last change) and the CPU per 1,000 changes of lode's threads, of the whole JVM and of the walsenders, and how
 * busy the machine was. Runs in this
 * JVM: a warm-up, then one and two sources alternately. Usage:
 * {@code java -cp lode-benchmarks.jar dev.lode.bench.SourcesBench [changes per database] [repetitions] [out-dir]}.
 */
public final class SourcesBench {

	private SourcesBench() {
	}

	public static void main(String[] args) throws Exception {
		int changes = (args.length > 0) ? Integer.parseInt(args[0]) : 100_000;
		int reps = (args.length > 1) ? Integer.parseInt(args[1]) : 2;
		Path out = Path.of((args.length > 2) ? args[2] : "target/sources-bench");
		Files.createDirectories(out);
		Pg a = Pg.start();
		Pg b = new Pg(a.server, a.server.createDatabase("lode_bench_b"));
		a.resetTable();
		b.resetTable();
		List<String> runs = new ArrayList<>(List.of("warm-up"));
		for (int rep = 1; rep <= reps; rep++) {
			runs.add("one source #" + rep);
			runs.add("two sources #" + rep);
		}
		for (int i = 0; i < runs.size(); i++) {
			a.createSlot("b_src" + i + "_a", "pgoutput");
			b.createSlot("b_src" + i + "_b", "pgoutput");
		}
		log("Writing " + changes + " changes into each of two databases (10-row transactions, alternately)");
		try (Connection toA = a.connect(); Connection toB = b.connect();
				Statement inA = toA.createStatement(); Statement inB = toB.createStatement()) {
			for (int from = 1; from <= changes; from += 10) {
				String insert = "insert into bench (big, txt, num, ts, flag) select " + Pg.ROW
						+ " from generate_series(" + from + ", " + Math.min(changes, from + 9) + ") g";
				inA.execute(insert);
				inB.execute(insert);
			}
		}
		StringBuilder report = new StringBuilder(String.format("%,d changes per database, pgoutput, 10-row transactions;"
				+ " both databases' WAL interleaved%n%n", changes));
		report.append("| run | source A changes/s | source B changes/s | A+B changes/s | lode threads ms CPU / 1,000 changes"
				+ " | JVM ms CPU / 1,000 changes | walsenders ms CPU / 1,000 changes | machine busy (2 cores) |\n"
				+ "|---|---:|---:|---:|---:|---:|---:|---:|\n");
		for (int i = 0; i < runs.size(); i++) {
			boolean two = runs.get(i).startsWith("two");
			String line = measure(runs.get(i), a, b, "b_src" + i, changes, two);
			log(line);
			if (i > 0) {
				report.append(line).append('\n');
			}
		}
		a.dropSlots();
		b.dropSlots();
		Files.writeString(out.resolve("sources.md"), report);
		log("Wrote " + out.resolve("sources.md") + ":\n" + report);
		System.exit(0);
	}

	private static String measure(String label, Pg a, Pg b, String slot, int changes, boolean two) throws Exception {
		SpringApplication app = new SpringApplication(two ? TwoSources.class : OneSource.class);
		app.setDefaultProperties(Map.of("spring.main.banner-mode", "off", "logging.level.root", "WARN",
				"lode.slot.create", "false", "lode.plugin", "pgoutput", "lode.pgoutput.publication", Pg.PUBLICATION,
				"lode.auto-startup", "false"));
		Counter.A.reset(changes);
		Counter.B.reset(two ? changes : 0);
		List<String> properties = new ArrayList<>(List.of("--lode.url=" + a.url(),
				"--lode.username=" + a.server.username(), "--lode.password=" + a.server.password(),
				"--lode.slot.name=" + slot + "_a"));
		if (two) {
			properties.addAll(List.of("--lode.sources.b.url=" + b.url(), "--lode.sources.b.slot.name=" + slot + "_b",
					"--lode.sources.b.pgoutput.publication=" + Pg.PUBLICATION));
		}
		ConfigurableApplicationContext context = app.run(properties.toArray(String[]::new));
		try {
			Map<String, Long> before = CpuAccount.snapshot(Map.of());
			double jvmBefore = ProcStats.cpuSeconds();
			context.start();
			if (!Counter.A.done.await(10, TimeUnit.MINUTES) || !Counter.B.done.await(10, TimeUnit.MINUTES)) {
				throw new IllegalStateException(label + ": timed out");
			}
			double jvm = ProcStats.cpuSeconds() - jvmBefore;
			// the walsenders were started for this run: their whole CPU time is this run's
			Map<String, Long> walsenders = new LinkedHashMap<>();
			walsenders.put("walsender A", Long.valueOf(a.query("select active_pid from pg_replication_slots"
					+ " where slot_name = '" + slot + "_a'")));
			if (two) {
				walsenders.put("walsender B", Long.valueOf(b.query("select active_pid from pg_replication_slots"
						+ " where slot_name = '" + slot + "_b'")));
			}
			Map<String, Long> after = CpuAccount.snapshot(walsenders);
			long total = two ? 2L * changes : changes;
			Map<String, String> cpu = CpuAccount.perThousand(before, after, total);
			double rateA = Counter.A.rate();
			double rateB = two ? Counter.B.rate() : 0;
			long first = two ? Math.min(Counter.A.first.get(), Counter.B.first.get()) : Counter.A.first.get();
			long last = two ? Math.max(Counter.A.last.get(), Counter.B.last.get()) : Counter.A.last.get();
			double combined = (total - 1) / ((last - first) / 1e9);
			long walsenderTicks = walsenders.keySet().stream().mapToLong(after::get).sum();
			return String.format("| %s | %,.0f | %s | %,.0f | %s | %.1f | %.1f | %s |", label, rateA,
					two ? String.format("%,.0f", rateB) : "-", combined,
					cpu.get("lode (read, decode, dispatch, listener)"), jvm * 1000 * 1000 / total,
					walsenderTicks * 10.0 * 1000 / total, cpu.get("machine busy (all cores)"));
		}
		finally {
			context.close();
		}
	}

	private static void log(String message) {
		System.out.println("[sources-bench] " + message);
	}

	/** Counts one source's changes: when the first and the last arrived. */
	static final class Counter {

		static final Counter A = new Counter();

		static final Counter B = new Counter();

		final AtomicLong first = new AtomicLong();

		final AtomicLong last = new AtomicLong();

		volatile CountDownLatch done = new CountDownLatch(0);

		private volatile long expected;

		void reset(int expected) {
			this.expected = expected;
			this.first.set(0);
			this.last.set(0);
			this.done = new CountDownLatch(expected);
		}

		void count() {
			long now = System.nanoTime();
			this.first.compareAndSet(0, now);
			this.last.set(now);
			this.done.countDown();
		}

		double rate() {
			return (this.done.getCount() == 0) ? (this.expected - 1) / ((this.last.get() - this.first.get()) / 1e9) : 0;
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(OneSource.Listener.class)
	static class OneSource {

		static class Listener {

			@OnWalChange(table = Pg.TABLE)
			void onChange(WalChange change) {
				Counter.A.count();
			}

		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ OneSource.Listener.class, TwoSources.Listener.class })
	static class TwoSources {

		static class Listener {

			@OnWalChange(source = "b", table = Pg.TABLE)
			void onChange(WalChange change) {
				Counter.B.count();
			}

		}

	}

}
