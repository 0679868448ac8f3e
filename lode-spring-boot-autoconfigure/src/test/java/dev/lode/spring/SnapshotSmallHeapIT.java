package dev.lode.spring;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.container.LodeSnapshots;
import dev.lode.spring.event.WalSnapshotCompletedEvent;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An on-demand snapshot of a 1,000,000-row table in a JVM of {@code -Xmx128m} (surefire execution
 * {@code snapshot-small-heap}) while another table's changes keep arriving: every row arrives once, the heap holds,
 * and the other table's commit-to-listener latency before and during the snapshot is written to
 * {@code target/snapshot-small-heap.txt} (figures, not assertions: no timed assertion in tests).
 */
@WithPostgres
class SnapshotSmallHeapIT extends LodeTestApps {

	static final int ROWS = 1_000_000;

	static final BitSet seen = new BitSet(ROWS + 1);

	static final AtomicInteger snapshotRows = new AtomicInteger();

	static final AtomicInteger duplicates = new AtomicInteger();

	/** Commit-to-listener latency of the ticks table, microseconds, and whether a snapshot was running. */
	static final List<long[]> latencies = new CopyOnWriteArrayList<>();

	static volatile boolean snapshotRunning;

	@Test
	void aMillionRowTableIsReadInA128MiBHeapWhileAnotherTableKeepsStreaming() throws Exception {
		assertThat(Runtime.getRuntime().maxMemory()).as("run with -Xmx128m").isLessThanOrEqualTo(130L << 20);
		sql("create table big (id bigint primary key, payload text not null, n int not null)",
				"create table ticks (id serial primary key, at timestamptz not null default clock_timestamp())",
				"insert into big select g, rpad(md5(g::text), 100, 'x'), g % 1000 from generate_series(1, " + ROWS
						+ ") g",
				"analyze big");
		ConfigurableApplicationContext context = start(Listeners.class);
		Listeners listeners = context.getBean(Listeners.class);
		AtomicBoolean writing = new AtomicBoolean(true);
		Thread writer = new Thread(() -> {
			try (Connection c = this.pg.connect(this.db); Statement st = c.createStatement()) {
				while (writing.get()) {
					st.execute("insert into ticks default values");
					Thread.sleep(20);
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, "ticks");
		writer.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> latencies.size() >= 100);
		long started = System.nanoTime();
		snapshotRunning = true;
		context.getBean(LodeSnapshots.class).snapshot("big");
		await().atMost(Duration.ofMinutes(5)).until(() -> !listeners.completed.isEmpty());
		double seconds = (System.nanoTime() - started) / 1e9;
		snapshotRunning = false;
		await().atMost(Duration.ofSeconds(20)).until(() -> latencies.stream().filter((l) -> l[1] == 0).count() >= 200);
		writing.set(false);
		writer.join();

		assertThat(snapshotRows.get()).as("every row once").isEqualTo(ROWS);
		assertThat(duplicates.get()).isZero();
		assertThat(seen.cardinality()).isEqualTo(ROWS);
		long during = latencies.stream().filter((l) -> l[1] == 1).count();
		assertThat(during).as("the other table's changes kept arriving during the snapshot").isGreaterThan(10);

		String report = String.format("snapshot of %,d rows in %.1f s (%,.0f rows/s), -Xmx%d MiB, peak heap %d MiB%n"
				+ "ticks commit-to-listener latency, before and after the snapshot: %s%n"
				+ "ticks commit-to-listener latency, during the snapshot: %s%n", ROWS, seconds, ROWS / seconds,
				Runtime.getRuntime().maxMemory() >> 20, peakHeapMiB(), summary(0), summary(1));
		System.out.print(report);
		Files.writeString(Path.of("target", "snapshot-small-heap.txt"), report);
	}

	private static String summary(int phase) {
		List<Long> values = new ArrayList<>();
		latencies.stream().filter((l) -> l[1] == phase).forEach((l) -> values.add(l[0]));
		Collections.sort(values);
		if (values.isEmpty()) {
			return "none";
		}
		return String.format("n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms", values.size(),
				values.get(values.size() / 2) / 1000.0, values.get(Math.min(values.size() - 1, values.size() * 99 / 100))
						/ 1000.0, values.get(values.size() - 1) / 1000.0);
	}

	private static long peakHeapMiB() {
		long peak = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP) {
				peak += pool.getPeakUsage().getUsed();
			}
		}
		return peak >> 20;
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final List<String> completed = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "big", kind = ChangeKind.SNAPSHOT)
		void row(WalChange change) {
			int id = ((Number) change.get("id")).intValue();
			synchronized (seen) {
				if (seen.get(id)) {
					duplicates.incrementAndGet();
				}
				seen.set(id);
			}
			snapshotRows.incrementAndGet();
		}

		@OnWalChange(table = "ticks", kind = ChangeKind.INSERT)
		void tick(WalChange change) {
			OffsetDateTime at = (OffsetDateTime) change.get("at");
			long micros = Duration.between(at, OffsetDateTime.now()).toNanos() / 1000;
			latencies.add(new long[] { micros, snapshotRunning ? 1 : 0 });
		}

		@EventListener
		void completed(WalSnapshotCompletedEvent event) {
			this.completed.add(event.getSnapshotId());
		}

	}

}
