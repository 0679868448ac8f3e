package dev.lode.bench;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** Medians, lode's ratios, the markdown report and the chart. */
final class Report {

	private final Results results;

	private final List<Workload> workloads;

	private final List<Consumer> consumers;

	private static final List<String> PHASES = List.of(Results.Run.COLD, Results.Run.WARM);

	private final StringBuilder md = new StringBuilder();

	private Report(Results results, List<Workload> workloads, List<Consumer> consumers) {
		this.results = results;
		this.workloads = workloads;
		this.consumers = consumers;
	}

	static void write(Results results, List<Workload> workloads, List<Consumer> consumers, Path out, Path chart)
			throws Exception {
		ObjectMapper json = new ObjectMapper().setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
			.enable(SerializationFeature.INDENT_OUTPUT);
		Files.writeString(out.resolve("results.json"), json.writeValueAsString(results));
		Report report = new Report(results, workloads, consumers);
		Files.writeString(out.resolve("report.md"), report.markdown());
		report.chart(chart);
	}

	/** Regenerates report.md and the chart from {@code dir/results.json}. */
	static void rewrite(Path dir, Path chart) throws Exception {
		write(read(dir), dir, chart);
	}

	static Results read(Path dir) throws Exception {
		ObjectMapper json = new ObjectMapper().setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
			.configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
		return json.readValue(dir.resolve("results.json").toFile(), Results.class);
	}

	/** Writes results.json, report.md and the chart, for the workloads and consumers that have runs. */
	static void write(Results results, Path dir, Path chart) throws Exception {
		List<Workload> workloads = Arrays.stream(Workload.values())
			.filter(w -> results.runs.stream().anyMatch(r -> r.workload().equals(w.id)))
			.toList();
		List<Consumer> consumers = Consumer.all(true, null)
			.stream()
			.filter(c -> results.runs.stream().anyMatch(r -> r.consumer().equals(c.id())))
			.toList();
		write(results, workloads, consumers, dir, chart);
	}

	private String markdown() {
		int reps = this.results.runs.stream().mapToInt(Results.Run::rep).max().orElse(0);
		line("## Throughput (median of " + reps + " repetitions)");
		line("");
		line("Changes per second from the start of streaming to the last change of each pass (see the method):"
				+ " *cold* is the first pass over the workload, right after the JVM consumers started; *warm* the"
				+ " second, identical pass, in the same processes.");
		line("");
		table("changes/s", Results.Run::rate, "%,.0f");
		tableSection("### Client CPU seconds (consumer process, while streaming)", "CPU s", Results.Run::cpuSeconds,
				"%.2f");
		tableSection("### Server CPU seconds (the walsender that decoded for the consumer)", "CPU s",
				Results.Run::serverCpuSeconds, "%.2f");
		tableSection("### Peak RSS of the consumer process (MiB)", "MiB", Results.Run::peakRssMb, "%.0f");
		line("### lode: where the client CPU went (median CPU seconds while streaming, by thread)");
		line("");
		line("| consumer | workload | pass | replication thread | JIT compilers | GC | other |");
		line("|---|---|---|---:|---:|---:|---:|");
		for (Consumer c : this.consumers) {
			if (c.kind() != Consumer.Kind.LODE) {
				continue;
			}
			for (Workload w : this.workloads) {
				for (String phase : PHASES) {
					List<Results.Run> runs = runs(c.id(), w.id, phase);
					line(String.format("| %s | %s | %s | %.2f | %.2f | %.2f | %.2f |", c.label(), w.id, phase,
							median(runs, r -> r.threadCpu("lode-replication")), median(runs, r -> r.threadCpu("jit")),
							median(runs, r -> r.threadCpu("gc")), median(runs, r -> r.threadCpu("other"))));
				}
			}
		}
		line("");
		tableSection("### JVM consumers: changes/s over the second half of the changes of each pass", "changes/s",
				Results.Run::secondHalfRate, "%,.0f", Consumer.Kind.LODE, Consumer.Kind.DEBEZIUM);
		ratios();
		latency();
		memory();
		jmh();
		decodeCold();
		if (!this.results.skipped.isEmpty()) {
			line("Skipped: " + String.join("; ", this.results.skipped) + ".");
			line("");
		}
		line("Environment: `" + this.results.environment + "`");
		return this.md.toString();
	}

	/** A heading, then {@link #table} under it. */
	private void tableSection(String heading, String unit, ToDoubleFunction<Results.Run> figure, String format,
			Consumer.Kind... kinds) {
		line(heading);
		line("");
		table(unit, figure, format, kinds);
	}

	private void table(String unit, ToDoubleFunction<Results.Run> figure, String format, Consumer.Kind... kinds) {
		StringBuilder head = new StringBuilder("| consumer |");
		StringBuilder rule = new StringBuilder("|---|");
		for (Workload w : this.workloads) {
			for (String phase : PHASES) {
				head.append(' ').append(w.id).append(' ').append(phase).append(' ').append(unit).append(" |");
				rule.append("---:|");
			}
		}
		line(head.toString());
		line(rule.toString());
		for (Consumer c : this.consumers) {
			if (kinds.length > 0 && !Arrays.asList(kinds).contains(c.kind())) {
				continue;
			}
			StringBuilder row = new StringBuilder("| " + c.label() + " |");
			for (Workload w : this.workloads) {
				for (String phase : PHASES) {
					List<Results.Run> runs = runs(c.id(), w.id, phase);
					long failed = runs.stream().filter(r -> !r.ok()).count();
					double m = median(runs, figure);
					row.append(' ')
						.append(Double.isNaN(m) ? "-" : String.format(format, m))
						.append(failed > 0 ? " (" + failed + " of " + runs.size() + " failed)" : "")
						.append(" |");
				}
			}
			line(row.toString());
		}
		line("");
	}

	private void ratios() {
		line("## lode's ratios (median of the per-repetition ratios)");
		line("");
		StringBuilder head = new StringBuilder("| lode format | pass | ratio to |");
		StringBuilder rule = new StringBuilder("|---|---|---|");
		for (Workload w : this.workloads) {
			head.append(' ').append(w.id).append(" |");
			rule.append("---:|");
		}
		line(head.toString());
		line(rule.toString());
		for (Consumer lode : this.consumers) {
			if (lode.kind() != Consumer.Kind.LODE) {
				continue;
			}
			for (String phase : PHASES) {
				ratioRow(lode, phase, "recv-" + lode.format().id, "pg_recvlogical " + lode.format().id
						+ (phase.equals(Results.Run.WARM) ? ", faster pass" : "") + " (target >= 0.9)");
			}
			for (String phase : PHASES) {
				ratioRow(lode, phase, "debezium", "Debezium (target >= 3 bulk, >= 4 small/mixed)");
			}
		}
		line("");
	}

	private void ratioRow(Consumer lode, String phase, String other, String label) {
		StringBuilder row = new StringBuilder("| " + lode.label() + " | " + phase + " | " + label + " |");
		for (Workload w : this.workloads) {
			List<Double> ratios = new ArrayList<>();
			for (Results.Run run : runs(lode.id(), w.id, phase)) {
				double reference = reference(other, w.id, phase, run.rep());
				if (!Double.isNaN(reference)) {
					ratios.add(run.rate() / reference);
				}
			}
			double target = other.equals("debezium") ? (w == Workload.BULK ? 3 : 4) : 0.9;
			double m = median(ratios);
			row.append(Double.isNaN(m) ? " - |" : String.format(" %.2f%s |", m, m >= target ? "" : " (missed)"));
		}
		line(row.toString());
	}

	/**
	 * The rate a lode run is compared with: the other consumer's run of the same repetition and pass; for the
	 * warm pass against pg_recvlogical, the faster of its two passes. Its second process starts a new walsender,
	 * which decodes again from the slot's restart point; the JVM consumers' walsender just goes on. Taking the
	 * faster pass keeps the ratio conservative.
	 */
	private double reference(String other, String workload, String phase, int rep) {
		double best = Double.NaN;
		for (Results.Run o : this.results.runs) {
			boolean samePass = o.phase().equals(phase)
					|| (phase.equals(Results.Run.WARM) && other.startsWith("recv-"));
			if (o.consumer().equals(other) && o.workload().equals(workload) && o.rep() == rep && samePass && o.ok()) {
				best = Double.isNaN(best) ? o.rate() : Math.max(best, o.rate());
			}
		}
		return best;
	}

	private void latency() {
		Map<String, Object> l = this.results.latency;
		if (l == null) {
			return;
		}
		line("## Latency: lode, 500 single-row transactions/s");
		line("");
		line("| measure | p50 ms | p99 ms | p99.9 ms | max ms |");
		line("|---|---:|---:|---:|---:|");
		line(String.format("| commit timestamp (server clock) to listener | %s | %s | %s | %s |", l.get("commitToListenerP50Ms"),
				l.get("commitToListenerP99Ms"), l.get("commitToListenerP999Ms"), l.get("commitToListenerMaxMs")));
		line(String.format("| send (System.nanoTime before INSERT, carried in the row) to listener | %s | %s | %s | %s |",
				l.get("sendToListenerP50Ms"), l.get("sendToListenerP99Ms"), l.get("sendToListenerP999Ms"),
				l.get("sendToListenerMaxMs")));
		line(String.format("| control: minimal pgjdbc client on a second slot, same rows, send to receive | %s | %s | %s | %s |",
				l.get("rawSendToReceiveP50Ms"), l.get("rawSendToReceiveP99Ms"), l.get("rawSendToReceiveP999Ms"),
				l.get("rawSendToReceiveMaxMs")));
		line("");
		line("Samples: " + l.get("samples") + ", writer's worst lag behind its schedule: " + l.get("writerMaxLagMs")
				+ " ms, ok: " + l.get("ok") + ".");
		line("");
	}

	private void memory() {
		Map<String, Object> m = this.results.memory;
		if (m == null) {
			return;
		}
		line("## Memory: one transaction of " + m.get("rows") + " rows through lode (`" + m.get("jvmFlags") + "`)");
		line("");
		line(String.format("Completed: %s (%s changes in %.1f s, %,.0f changes/s); peak heap %.0f MiB; peak RSS %.0f MiB.",
				m.get("ok"), m.get("changes"), number(m, "seconds"), number(m, "changes") / number(m, "seconds"),
				number(m, "peakHeapBytes") / 1048576, number(m, "peakRssKb") / 1024));
		line("");
	}

	private void jmh() {
		if (this.results.jmh.isEmpty()) {
			return;
		}
		line("## JMH: decoders alone on captured messages");
		line("");
		line("One op decodes every captured message of the workload. The last two columns come from a separate"
				+ " single-thread run measured in thread CPU time (less disturbed by other processes).");
		line("");
		line("| decoder | messages of | messages | MB per op | ops/s (± 99.9%) | MB/s | changes/s | CPU ns/change | MB per CPU s |");
		line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
		for (Map<String, Object> r : this.results.jmh) {
			line(String.format("| %s | %s | %s | %.2f | %.1f ± %.1f | %.1f | %,.0f | %,.0f | %.0f |", r.get("format"),
					r.get("workload"), r.get("messages"), number(r, "bytesPerOp") / 1e6, number(r, "opsPerSecond"),
					number(r, "opsError"), number(r, "mbPerSecond"), number(r, "changesPerSecond"),
					number(r, "cpuNanosPerChange"), number(r, "cpuMbPerSecond")));
		}
		line("");
	}

	/** Each decoder alone in a fresh JVM against pg_recvlogical's first pass of the same format and workload. */
	private void decodeCold() {
		if (this.results.decodeCold == null || this.results.decodeCold.isEmpty()) {
			return;
		}
		line("## A cold JVM decoding alone, against pg_recvlogical's first pass");
		line("");
		line("A fresh JVM (the consumers' flags) decodes a whole workload's worth of changes from captured messages"
				+ " in memory: no network, no driver, no Spring, no listener. Its rate is the most any cold JVM"
				+ " consumer of this format could reach here; the last columns compare it, and lode's cold pass,"
				+ " with pg_recvlogical's first pass.");
		line("");
		line("| decoder | workload | seconds | CPU s (JIT included) | changes/s | pg_recvlogical cold changes/s | decoding alone ÷ pg_recvlogical | lode cold ÷ pg_recvlogical |");
		line("|---|---|---:|---:|---:|---:|---:|---:|");
		for (Map<String, Object> r : this.results.decodeCold) {
			String format = String.valueOf(r.get("format"));
			String workload = String.valueOf(r.get("workload"));
			double recv = median(runs("recv-" + format, workload, Results.Run.COLD), Results.Run::rate);
			double lode = median(runs("lode-" + format, workload, Results.Run.COLD), Results.Run::rate);
			line(String.format("| %s | %s | %.2f | %.2f | %,.0f | %,.0f | %.2f | %.2f |", format, workload,
					number(r, "seconds"), number(r, "cpuSeconds"), number(r, "changesPerSecond"), recv,
					number(r, "changesPerSecond") / recv, lode / recv));
		}
		line("");
	}

	private void chart(Path file) throws Exception {
		System.setProperty("java.awt.headless", "true");
		CategoryChart chart = new CategoryChartBuilder().width(1100)
			.height(520)
			.title("Changes per second, median (higher is better)")
			.xAxisTitle("workload, pass (cold: first pass after the consumer started; warm: second pass)")
			.yAxisTitle("changes/s")
			.build();
		chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
		chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
		chart.getStyler().setYAxisDecimalPattern("#,###");
		chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
		List<String> x = new ArrayList<>();
		for (Workload w : this.workloads) {
			for (String phase : PHASES) {
				x.add(w.id + " " + phase);
			}
		}
		// one hue per format, light for pg_recvlogical and dark for lode; Debezium grey
		Map<String, java.awt.Color[]> hues = Map.of("wal2json-v2", new java.awt.Color[] { new java.awt.Color(0x9ecae1),
				new java.awt.Color(0x08519c) }, "wal2json-v1", new java.awt.Color[] { new java.awt.Color(0xfdae6b),
						new java.awt.Color(0xa63603) }, "pgoutput-v1", new java.awt.Color[] { new java.awt.Color(0xa1d99b),
								new java.awt.Color(0x006d2c) });
		List<Consumer> ordered = new ArrayList<>();
		for (Format f : Format.values()) {
			this.consumers.stream().filter(c -> c.kind() != Consumer.Kind.DEBEZIUM && c.format() == f).forEach(ordered::add);
		}
		this.consumers.stream().filter(c -> c.kind() == Consumer.Kind.DEBEZIUM).forEach(ordered::add);
		for (Consumer c : ordered) {
			List<Double> y = new ArrayList<>();
			for (Workload w : this.workloads) {
				for (String phase : PHASES) {
					double m = median(runs(c.id(), w.id, phase), Results.Run::rate);
					y.add(Double.isNaN(m) ? 0 : m);
				}
			}
			java.awt.Color[] hue = hues.get(c.format().id);
			java.awt.Color color = (c.kind() == Consumer.Kind.DEBEZIUM || hue == null) ? java.awt.Color.GRAY
					: hue[c.kind() == Consumer.Kind.RECVLOGICAL ? 0 : 1];
			chart.addSeries(c.label(), x, y).setFillColor(color);
		}
		Files.createDirectories(file.getParent());
		try (OutputStream out = Files.newOutputStream(file)) {
			BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
		}
	}

	private List<Results.Run> runs(String consumer, String workload, String phase) {
		return this.results.runs.stream()
			.filter(r -> r.consumer().equals(consumer) && r.workload().equals(workload) && r.phase().equals(phase))
			.toList();
	}

	static double median(List<Results.Run> runs, ToDoubleFunction<Results.Run> f) {
		return median(runs.stream().filter(Results.Run::ok).map(r -> f.applyAsDouble(r)).toList());
	}

	static double median(List<Double> values) {
		double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
		if (v.length == 0) {
			return Double.NaN;
		}
		return (v.length % 2 == 1) ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
	}

	private static double number(Map<String, Object> map, String key) {
		return (map.get(key) instanceof Number n) ? n.doubleValue() : Double.NaN;
	}

	private void line(String s) {
		this.md.append(s).append('\n');
	}

}
