package dev.lode.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.event.WalStreamingStartedEvent;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * The lode consumer: a plain Spring Boot application with lode's auto-configuration and one {@code @OnWalChange}
 * listener that counts (lode acknowledges each transaction after it returned). Runs as its own JVM, started by
 * the orchestrator with {@code --lode.*} properties (slot, URL, format) and {@code --bench.*} options:
 * <ul>
 * <li>{@code bench.mode=throughput} (default): stream until the end marker row arrives. The first pass (cold
 * JVM) is timed from lode's {@link WalStreamingStartedEvent} (after its connection and slot checks, as Debezium's
 * clock starts at its {@code taskStarted}) to the warm-up marker, the second pass (warm JVM) from that marker to
 * the end marker; {@code startupSeconds} is the time from {@code container.start()} to streaming;</li>
 * <li>{@code bench.mode=latency}: a writer thread of this JVM inserts single-row transactions at
 * {@code bench.rate} per second for {@code bench.warmup} + {@code bench.seconds} seconds; each row carries its
 * send time ({@code System.nanoTime()} right before the INSERT) in {@code big}; the listener records
 * send-to-listener and commit-timestamp-to-listener latencies of the rows sent after the warm-up; with
 * {@code bench.raw-slot}, a {@link RawReceiver} on that slot measures the same rows as a control.</li>
 * </ul>
 * Prints one {@code BENCH-RESULT} line and exits.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(LodeConsumerApp.CountingListener.class)
public class LodeConsumerApp {

	public static void main(String[] args) throws Exception {
		SpringApplication app = new SpringApplication(LodeConsumerApp.class);
		app.setDefaultProperties(Map.of("spring.main.banner-mode", "off", "lode.auto-startup", "false",
				"lode.slot.create", "false", "logging.level.root", "WARN", "logging.level.dev.lode", "INFO"));
		ConfigurableApplicationContext context = app.run(args);
		Environment env = context.getEnvironment();
		CountingListener listener = context.getBean(CountingListener.class);
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		boolean latency = "latency".equals(env.getProperty("bench.mode"));
		listener.passes.half = env.getProperty("bench.expected", Long.class, 0L) / 2;
		RawReceiver raw = (latency && env.containsProperty("bench.raw-slot"))
				? new RawReceiver(env.getRequiredProperty("lode.url"), env.getProperty("lode.username"),
						env.getProperty("lode.password"), env.getRequiredProperty("bench.raw-slot"), 100_000)
				: null;
		Writer writer = latency ? new Writer(env, listener, raw) : null;

		long t0 = System.nanoTime();
		listener.passes.cold.begin(t0); // replaced by the streaming-started event, which follows lode's connection setup
		container.start();
		if (raw != null) {
			raw.start();
		}
		if (writer != null) {
			writer.start();
		}
		long timeout = env.getProperty("bench.timeout-seconds", Long.class, 1200L);
		boolean done = listener.passes.done.await(timeout, TimeUnit.SECONDS);

		Map<String, Object> result = new LinkedHashMap<>();
		result.put("ok", done);
		result.put("startupSeconds", (listener.passes.cold.startNanos - t0) / 1e9);
		result.putAll(listener.passes.cold.figures());
		if (listener.passes.warm != null) {
			result.put("warm", listener.passes.warm.figures());
		}
		result.put("totalCpuSeconds", ProcStats.cpuSeconds());
		result.put("peakRssKb", ProcStats.peakRssKb());
		result.put("peakHeapBytes", ProcStats.peakHeapBytes());
		result.put("state", String.valueOf(container.getState()));
		if (writer != null) {
			writer.join();
			result.putAll(listener.latencies());
			result.put("writerMaxLagMs", writer.maxLagNanos / 1e6);
			result.put("writerSent", writer.sent);
			if (raw != null) {
				result.putAll(raw.finish());
			}
		}
		ProcStats.printResult(result);
		context.close();
		System.exit(done ? 0 : 1);
	}

	/** The no-op listener: counts, notices the marker, and in latency mode records latencies. */
	static class CountingListener {

		final Passes passes = new Passes();

		/** Send times at or after this are measured (latency mode). */
		volatile long measureFrom = Long.MAX_VALUE;

		private long[] sendToListener = new long[0];

		private long[] commitToListener = new long[0];

		private int samples;

		@EventListener
		void streamingStarted(WalStreamingStartedEvent event) {
			if (this.passes.cold.count == 0) {
				this.passes.cold.begin(System.nanoTime());
			}
		}

		@OnWalChange(table = Pg.TABLE)
		void onChange(WalChange change) {
			Object big = change.get("big");
			if (this.passes.record((big instanceof Long value) ? value : null)) {
				return;
			}
			if (big instanceof Long sent && sent >= this.measureFrom && this.samples < this.sendToListener.length) {
				long now = System.nanoTime();
				Instant wall = Instant.now();
				this.sendToListener[this.samples] = now - sent;
				OffsetDateTime commit = change.commitTime();
				this.commitToListener[this.samples] = (commit != null)
						? Duration.between(commit.toInstant(), wall).toNanos() : -1;
				this.samples++;
			}
		}

		void expectSamples(int n, long from) {
			this.sendToListener = new long[n];
			this.commitToListener = new long[n];
			this.measureFrom = from;
		}

		Map<String, Object> latencies() {
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("samples", this.samples);
			out.putAll(percentiles("sendToListener", Arrays.copyOf(this.sendToListener, this.samples)));
			out.putAll(percentiles("commitToListener", Arrays.copyOf(this.commitToListener, this.samples)));
			return out;
		}

		private static Map<String, Object> percentiles(String name, long[] nanos) {
			Arrays.sort(nanos);
			Map<String, Object> out = new LinkedHashMap<>();
			if (nanos.length == 0) {
				return out;
			}
			out.put(name + "P50Ms", nanos[(int) (0.50 * (nanos.length - 1))] / 1e6);
			out.put(name + "P99Ms", nanos[(int) Math.ceil(0.99 * (nanos.length - 1))] / 1e6);
			out.put(name + "P999Ms", nanos[(int) Math.ceil(0.999 * (nanos.length - 1))] / 1e6);
			out.put(name + "MaxMs", nanos[nanos.length - 1] / 1e6);
			return out;
		}

	}

	/**
	 * The passes over a workload as a JVM consumer sees them: counts the changes of the current pass and, at a
	 * marker row, ends it and starts the next (warm-up marker) or counts down {@link #done} (end marker).
	 */
	static final class Passes {

		final CountDownLatch done = new CountDownLatch(1);

		/** The first pass (from the start of streaming to the warm-up marker). */
		final Segment cold = new Segment();

		/** The second pass, once the warm-up marker arrived. */
		volatile Segment warm;

		/** Half of a pass's changes, when its time is recorded. */
		long half = Long.MAX_VALUE;

		private Segment current = this.cold;

		/**
		 * @param big the row's {@code big} column, or {@code null}
		 * @return whether the row was a marker (not counted)
		 */
		boolean record(Long big) {
			Segment segment = this.current;
			if (big != null && (big == Pg.WARMUP_MARKER || big == Pg.END_MARKER)) {
				segment.end();
				if (big == Pg.WARMUP_MARKER && segment == this.cold) {
					Segment next = new Segment();
					next.jitSettleSeconds = settleJit();
					next.begin(System.nanoTime());
					this.warm = next;
					this.current = next;
				}
				else {
					this.done.countDown();
				}
				return true;
			}
			if (segment.count++ == 0) {
				segment.firstNanos = System.nanoTime();
			}
			if (segment.count == this.half) {
				segment.halfNanos = System.nanoTime();
			}
			return false;
		}

	}

	/**
	 * Waits (in the consumer's listener, so the stream waits too) until the JIT compilers have compiled nothing for
	 * half a second, at most 10 s: the warm pass measures a JVM whose hot code is compiled, not one still compiling
	 * on the cores the walsender needs. Both JVM consumers (lode and Debezium) do this at the warm-up marker.
	 * @return how long it waited, in seconds
	 */
	static double settleJit() {
		CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		long start = System.nanoTime();
		long deadline = start + TimeUnit.SECONDS.toNanos(10);
		long last = jit.getTotalCompilationTime();
		int quiet = 0;
		while (quiet < 5 && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
			long total = jit.getTotalCompilationTime();
			quiet = (total == last) ? quiet + 1 : 0;
			last = total;
		}
		return (System.nanoTime() - start) / 1e9;
	}

	/** One pass over the workload: its clock, process CPU and per-thread CPU. */
	static final class Segment {

		long startNanos;

		double startCpu;

		Map<String, Double> startThreads = Map.of();

		long count;

		/** How long the JVM waited for its JIT compilers before this pass (0 for the cold pass). */
		double jitSettleSeconds;

		long firstNanos;

		long halfNanos;

		volatile long endNanos;

		double endCpu;

		Map<String, Double> endThreads = Map.of();

		long endEpochMillis;

		void begin(long nanos) {
			this.startNanos = nanos;
			this.startCpu = ProcStats.cpuSeconds();
			this.startThreads = ProcStats.threadCpu();
		}

		void end() {
			this.endNanos = System.nanoTime();
			this.endCpu = ProcStats.cpuSeconds();
			this.endThreads = ProcStats.threadCpu();
			this.endEpochMillis = System.currentTimeMillis();
		}

		Map<String, Object> figures() {
			boolean ended = this.endNanos != 0;
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("changes", this.count);
			out.put("seconds", ((ended ? this.endNanos : System.nanoTime()) - this.startNanos) / 1e9);
			out.put("firstChangeSeconds", (this.firstNanos - this.startNanos) / 1e9);
			if (this.halfNanos != 0) {
				out.put("halfSeconds", (this.halfNanos - this.startNanos) / 1e9);
			}
			out.put("cpuSeconds", (ended ? this.endCpu : ProcStats.cpuSeconds()) - this.startCpu);
			Map<String, Double> threads = new LinkedHashMap<>(ended ? this.endThreads : ProcStats.threadCpu());
			threads.replaceAll((kind, seconds) -> seconds - this.startThreads.getOrDefault(kind, 0.0));
			out.put("threadCpuSeconds", threads);
			out.put("endEpochMillis", this.endEpochMillis);
			out.put("jitSettleSeconds", this.jitSettleSeconds);
			return out;
		}

	}

	/** Paced single-row transactions (latency mode), then the marker. */
	static final class Writer extends Thread {

		private final Environment env;

		private final CountingListener listener;

		volatile long maxLagNanos;

		volatile long sent;

		private final RawReceiver raw;

		Writer(Environment env, CountingListener listener, RawReceiver raw) {
			super("bench-writer");
			this.env = env;
			this.listener = listener;
			this.raw = raw;
		}

		@Override
		public void run() {
			int rate = this.env.getProperty("bench.rate", Integer.class, 500);
			int seconds = this.env.getProperty("bench.seconds", Integer.class, 20);
			int warmup = this.env.getProperty("bench.warmup", Integer.class, 3);
			long period = 1_000_000_000L / rate;
			long total = (long) rate * (warmup + seconds);
			try (Connection c = DriverManager.getConnection(this.env.getRequiredProperty("lode.url"),
					this.env.getProperty("lode.username"), this.env.getProperty("lode.password"));
					PreparedStatement insert = c.prepareStatement("insert into bench (big, txt, num, ts, flag)"
							+ " values (?, rpad(md5(?::text), 50, 'x'), 1.5, now(), true)")) {
				long start = System.nanoTime();
				this.listener.expectSamples(rate * seconds + rate, start + warmup * 1_000_000_000L);
				if (this.raw != null) {
					this.raw.measureFrom(start + warmup * 1_000_000_000L);
				}
				for (long i = 0; i < total; i++) {
					long due = start + i * period;
					long wait;
					while ((wait = due - System.nanoTime()) > 0) {
						LockSupport.parkNanos(wait);
					}
					this.maxLagNanos = Math.max(this.maxLagNanos, -wait);
					insert.setLong(1, System.nanoTime());
					insert.setLong(2, i);
					insert.executeUpdate();
					this.sent = i + 1;
				}
				try (var st = c.createStatement()) {
					st.execute("insert into bench (id, big, txt, num, ts, flag) values (-1, -1, 'end', 0, now(), false)");
				}
			}
			catch (Exception ex) {
				ex.printStackTrace();
			}
		}

	}

}
