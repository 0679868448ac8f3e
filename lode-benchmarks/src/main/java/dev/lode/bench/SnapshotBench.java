package dev.lode.bench;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.container.LodeSnapshots;
import dev.lode.spring.event.WalSnapshotCompletedEvent;
import dev.lode.spring.event.WalSnapshotStartedEvent;
import io.debezium.embedded.Connect;
import io.debezium.embedded.async.ConvertingAsyncEngineBuilderFactory;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

/**
 * Snapshot speed (issues 14 and 24), one run, one table: {@code COPY (SELECT * FROM bench) TO STDOUT} into nothing
 * (the read limit of this machine; measured three times, at the start, in the middle and at the end, and the median
 * taken, because a single COPY of a few seconds varied by half between runs), lode's on-demand snapshot of the table
 * (a no-op SNAPSHOT listener; chunk sizes 1024, the default, 4096 and 8192), lode's initial snapshot with 1, 2 and 4
 * readers (key ranges of the table at once) and Debezium's initial snapshot of the same table (embedded engine, its
 * defaults). Rows per second from the start to the last row; for lode also the peak heap of the phase.
 * {@code java -cp lode-benchmarks.jar dev.lode.bench.SnapshotBench [rows] [out-dir]}.
 */
public final class SnapshotBench {

	private SnapshotBench() {
	}

	public static void main(String[] args) {
		Bench.exitAfter(() -> run(args));
	}

	private static void run(String[] args) throws Exception {
		int rows = (args.length > 0) ? Integer.parseInt(args[0]) : 5_000_000;
		Path out = Path.of((args.length > 1) ? args[1] : "target/snapshot-bench");
		Files.createDirectories(out);
		Pg pg = Pg.start();
		pg.resetTable();
		Bench.log(String.format("Writing %,d rows", rows));
		for (int from = 1; from <= rows; from += 500_000) {
			pg.execute("insert into bench (big, txt, num, ts, flag) select " + Pg.ROW + " from generate_series(" + from
					+ ", " + Math.min(rows, from + 499_999) + ") g");
		}
		pg.execute("vacuum analyze bench");
		String size = pg.query("select pg_size_pretty(pg_table_size('bench'))");
		Bench.log("Table bench: " + size);

		List<Measured> measured = new ArrayList<>();
		List<Double> copies = new ArrayList<>();
		copies.add(copy(pg));
		double debezium = debezium(pg, rows);
		Bench.log(String.format("Debezium: %,.0f rows/s", debezium));
		for (int chunk : new int[] { 1024, 4096, 8192 }) {
			long[] peak = new long[1];
			double lode = lode(pg, rows, chunk, 1, false, peak);
			Bench.log(String.format("lode, chunk %d: %,.0f rows/s, peak heap %d MiB", chunk, lode, peak[0] >> 20));
			measured.add(new Measured("lode on-demand snapshot, `lode.snapshot.chunk-size=" + chunk + "`", lode,
					peak[0] >> 20));
		}
		copies.add(copy(pg));
		for (int readers : new int[] { 1, 2, 4 }) {
			long[] peak = new long[1];
			double lode = lode(pg, rows, 1024, readers, true, peak);
			Bench.log(String.format("lode, initial, %d readers: %,.0f rows/s, peak heap %d MiB", readers, lode,
					peak[0] >> 20));
			measured.add(new Measured("lode initial snapshot, `lode.snapshot.parallelism=" + readers + "`", lode,
					peak[0] >> 20));
		}
		copies.add(copy(pg));
		double copy = Report.median(copies);
		String each = String.format("%,.0f / %,.0f / %,.0f", copies.get(0), copies.get(1), copies.get(2));
		Bench.log(String.format("COPY: %s rows/s, median %,.0f", each, copy));
		List<String[]> table = new ArrayList<>();
		table.add(new String[] {
				"`COPY (SELECT * FROM bench) TO STDOUT` into nothing (pgjdbc CopyManager), median of 3 (" + each + ")",
				String.format("%,.0f", copy), "", "1.00" });
		for (Measured m : measured) {
			table.add(new String[] { m.reader(), String.format("%,.0f", m.rate()), String.valueOf(m.peakMiB()),
					String.format("%.2f", m.rate() / copy), String.format("%.2f", m.rate() / debezium) });
		}
		table.add(new String[] { "Debezium 3.6 initial snapshot (embedded engine, defaults)",
				String.format("%,.0f", debezium), "", String.format("%.2f", debezium / copy) });
		StringBuilder report = new StringBuilder(String.format("%,d rows, table %s%n%n", rows, size));
		report.append("| reader | rows/s | peak heap MiB | of COPY | of Debezium |\n|---|---:|---:|---:|---:|\n");
		for (String[] row : table) {
			report.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" | ")
				.append(row[3]).append(" | ").append((row.length > 4) ? row[4] : "").append(" |\n");
		}
		Files.writeString(out.resolve("snapshot.md"), report);
		Bench.log("\n" + report);
		pg.dropSlots();
	}

	/** One lode reader's figures, put in the table once the median COPY is known. */
	private record Measured(String reader, double rate, long peakMiB) {
	}

	private static double copy(Pg pg) throws Exception {
		try (Connection c = pg.connect()) {
			long start = System.nanoTime();
			long copied = c.unwrap(PGConnection.class)
				.getCopyAPI()
				.copyOut("COPY (SELECT * FROM bench) TO STDOUT", OutputStream.nullOutputStream());
			return copied / ((System.nanoTime() - start) / 1e9);
		}
	}

	private static double lode(Pg pg, int rows, int chunk, int readers, boolean initial, long[] peakHeap)
			throws Exception {
		String slot = "b_snap_" + chunk + (initial ? "_initial_" + readers : "");
		SpringApplication app = new SpringApplication(SnapshotApp.class);
		app.setDefaultProperties(Map.of("spring.main.banner-mode", "off", "logging.level.root", "WARN",
				"logging.level.dev.lode.core.snapshot", "INFO", "lode.plugin", "pgoutput", "lode.pgoutput.publication",
				Pg.PUBLICATION));
		SnapshotApp.rows.set(0);
		SnapshotApp.started.set(0);
		SnapshotApp.done = new CountDownLatch(1);
		System.gc();
		resetPeaks();
		try (ConfigurableApplicationContext context = app.run("--lode.url=" + pg.url(),
				"--lode.username=" + pg.server.username(), "--lode.password=" + pg.server.password(),
				"--lode.slot.name=" + slot, "--lode.snapshot.chunk-size=" + chunk,
				"--lode.snapshot.parallelism=" + readers, "--lode.snapshot.mode=" + (initial ? "initial" : "never"))) {
			long start = System.nanoTime();
			if (!initial) {
				context.getBean(LodeSnapshots.class).snapshot("bench");
			}
			if (!SnapshotApp.done.await(30, TimeUnit.MINUTES)) {
				throw new IllegalStateException("lode's snapshot did not complete");
			}
			// the initial snapshot starts while the application starts: timed from its start event
			double seconds = (SnapshotApp.ended - (initial ? SnapshotApp.started.get() : start)) / 1e9;
			peakHeap[0] = ProcStats.peakHeapBytes();
			if (SnapshotApp.rows.get() != rows) {
				throw new IllegalStateException("lode delivered " + SnapshotApp.rows.get() + " rows of " + rows);
			}
			return rows / seconds;
		}
		finally {
			pg.execute("select pg_drop_replication_slot('" + slot + "') from pg_replication_slots where slot_name = '"
					+ slot + "'");
		}
	}

	private static double debezium(Pg pg, int rows) throws Exception {
		Properties props = DebeziumConsumer.properties(new String[] { pg.server.host(),
				String.valueOf(pg.server.port()), pg.database, pg.server.username(), pg.server.password(),
				"b_dbz_snapshot" }, "initial");
		AtomicLong seen = new AtomicLong();
		AtomicLong started = new AtomicLong();
		AtomicLong ended = new AtomicLong();
		CountDownLatch done = new CountDownLatch(1);
		DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = new ConvertingAsyncEngineBuilderFactory()
			.builder(ChangeEventFormat.of(Connect.class))
			.using(props)
			.using(new DebeziumEngine.ConnectorCallback() {
				@Override
				public void taskStarted() {
					started.compareAndSet(0, System.nanoTime());
				}
			})
			.notifying((event) -> {
				SourceRecord record = event.record();
				if (record.value() instanceof Struct value && "r".equals(value.getString("op"))
						&& seen.incrementAndGet() == rows) {
					ended.set(System.nanoTime());
					done.countDown();
				}
			})
			.using((success, message, error) -> {
				if (!success) {
					System.err.println("Debezium engine stopped: " + message);
					done.countDown();
				}
			})
			.build();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		long submitted = System.nanoTime();
		executor.execute(engine);
		try {
			if (!done.await(30, TimeUnit.MINUTES) || ended.get() == 0) {
				throw new IllegalStateException("Debezium's snapshot did not complete: " + seen.get() + " rows");
			}
			long from = (started.get() != 0) ? started.get() : submitted;
			return rows / ((ended.get() - from) / 1e9);
		}
		finally {
			engine.close();
			executor.shutdown();
			executor.awaitTermination(1, TimeUnit.MINUTES);
		}
	}

	private static void resetPeaks() {
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			pool.resetPeakUsage();
		}
	}

	/** lode with a no-op listener of the table's snapshot rows. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SnapshotApp {

		static final AtomicLong rows = new AtomicLong();

		static volatile CountDownLatch done = new CountDownLatch(1);

		static final AtomicLong started = new AtomicLong();

		static volatile long ended;

		@OnWalChange(table = "bench", kind = ChangeKind.SNAPSHOT)
		void row(WalChange change) {
			rows.incrementAndGet();
		}

		@EventListener
		void started(WalSnapshotStartedEvent event) {
			started.compareAndSet(0, System.nanoTime());
		}

		@EventListener
		void completed(WalSnapshotCompletedEvent event) {
			ended = System.nanoTime();
			done.countDown();
		}

	}

}
