package dev.lode.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.container.WalReplicationContainer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * Slow listeners on lanes ({@code lode.listener.concurrency}) and asynchronous listeners: a listener that waits
 * 1 ms per change (blocking) at concurrency 1, 4, 16 and 64, and an asynchronous listener whose stage completes
 * 1 ms later with up to 1,000 changes in flight, each streaming the same changes (single-row and 10-row
 * transactions) from its own slot; changes per second against the ideal (lanes x 1,000/s). Usage:
 * {@code java -cp lode-benchmarks.jar dev.lode.bench.LaneBench [changes] [out-dir] [chart]}.
 */
public final class LaneBench {

	private LaneBench() {
	}

	public static void main(String[] args) throws Exception {
		int changes = (args.length > 0) ? Integer.parseInt(args[0]) : 20_000;
		Path out = Path.of((args.length > 1) ? args[1] : "target/lane-bench");
		Path chartFile = Path.of((args.length > 2) ? args[2] : "docs/benchmarks/lanes.png");
		Files.createDirectories(out);
		Pg pg = Pg.start();
		pg.resetTable();
		List<Run> runs = List.of(new Run("blocking 1 ms, concurrency 1", 1, false, 1),
				new Run("blocking 1 ms, concurrency 4", 4, false, 4),
				new Run("blocking 1 ms, concurrency 16", 16, false, 16),
				new Run("blocking 1 ms, concurrency 64", 64, false, 64),
				new Run("async 1 ms, 1,000 in flight", 1, true, 1000));
		for (int i = 0; i < runs.size(); i++) {
			pg.createSlot("b_lane" + i, "pgoutput");
		}
		Bench.log("Writing " + changes + " changes (10-row transactions)");
		for (int from = 1; from <= changes; from += 10) {
			pg.execute("insert into bench (big, txt, num, ts, flag) select " + Pg.ROW + " from generate_series("
					+ from + ", " + Math.min(changes, from + 9) + ") g");
		}
		Map<String, double[]> results = new LinkedHashMap<>();
		StringBuilder report = new StringBuilder("| listener | changes/s | ideal | of ideal |\n|---|---:|---:|---:|\n");
		for (int i = 0; i < runs.size(); i++) {
			Run run = runs.get(i);
			double rate = run.measure(pg, "b_lane" + i, changes);
			double ideal = run.ideal * 1000.0;
			results.put(run.label, new double[] { rate, ideal });
			String line = String.format("| %s | %,.0f | %,.0f | %.0f%% |", run.label, rate, ideal, 100 * rate / ideal);
			Bench.log(line);
			report.append(line).append('\n');
		}
		pg.dropSlots();
		Files.writeString(out.resolve("lanes.md"), report);
		chart(results, chartFile);
		Bench.log("Wrote " + out.resolve("lanes.md") + " and " + chartFile);
		System.exit(0);
	}

	private static void chart(Map<String, double[]> results, Path file) throws Exception {
		CategoryChart chart = new CategoryChartBuilder().width(1000)
			.height(450)
			.title("Listener that takes 1 ms per change: changes/s")
			.yAxisTitle("changes/s")
			.build();
		List<String> labels = new ArrayList<>(results.keySet());
		chart.addSeries("lode", labels, results.values().stream().map((r) -> r[0]).toList());
		chart.addSeries("ideal (lanes x 1,000/s)", labels, results.values().stream().map((r) -> r[1]).toList());
		chart.getStyler().setXAxisLabelRotation(15);
		Files.createDirectories(file.toAbsolutePath().getParent());
		BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
	}

	/**
	 * One consumer configuration.
	 *
	 * @param label what it is
	 * @param concurrency lanes
	 * @param async whether the listener returns a stage completed 1 ms later
	 * @param ideal the ideal rate in thousands of changes per second
	 */
	record Run(String label, int concurrency, boolean async, int ideal) {

		double measure(Pg pg, String slot, int changes) throws Exception {
			SpringApplication app = new SpringApplication(LaneApp.class);
			app.setDefaultProperties(Map.of("spring.main.banner-mode", "off", "logging.level.root", "WARN",
					"lode.slot.create", "false", "lode.plugin", "pgoutput", "lode.pgoutput.publication", Pg.PUBLICATION));
			LaneApp.expected = new CountDownLatch(changes);
			LaneApp.async = this.async;
			LaneApp.first.set(0);
			ConfigurableApplicationContext context = app.run("--lode.url=" + pg.url(),
					"--lode.username=" + pg.server.username(), "--lode.password=" + pg.server.password(),
					"--lode.slot.name=" + slot, "--lode.listener.concurrency=" + this.concurrency,
					"--lode.listener.max-in-flight=1000");
			try {
				if (!LaneApp.expected.await(10, TimeUnit.MINUTES)) {
					throw new IllegalStateException(this.label + ": timed out");
				}
				long elapsed = System.nanoTime() - LaneApp.first.get();
				context.getBean(WalReplicationContainer.class).stop();
				return (changes - 1) / (elapsed / 1e9);
			}
			finally {
				context.close();
			}
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(LaneApp.Listener.class)
	static class LaneApp {

		static volatile CountDownLatch expected = new CountDownLatch(0);

		static volatile boolean async;

		static final AtomicLong first = new AtomicLong();

		static final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, (r) -> {
			Thread thread = new Thread(r, "bench-timer");
			thread.setDaemon(true);
			return thread;
		});

		static class Listener {

			@OnWalChange(table = Pg.TABLE)
			CompletableFuture<Void> onChange(WalChange change) throws InterruptedException {
				first.compareAndSet(0, System.nanoTime());
				if (!async) {
					Thread.sleep(1);
					expected.countDown();
					return null;
				}
				CompletableFuture<Void> done = new CompletableFuture<>();
				timer.schedule(() -> {
					expected.countDown();
					done.complete(null);
				}, 1, TimeUnit.MILLISECONDS);
				return done;
			}

		}

	}

}
