package dev.lode.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything a benchmark run measured; written to {@code results.json}. */
final class Results {

	Map<String, Object> environment = new LinkedHashMap<>();

	List<String> skipped = new ArrayList<>();

	List<Run> runs = new ArrayList<>();

	Map<String, Object> latency;

	Map<String, Object> memory;

	List<Map<String, Object>> jmh = new ArrayList<>();

	/** {@link DecoderCold}: each decoder alone in a fresh JVM, on a workload's worth of captured messages. */
	List<Map<String, Object>> decodeCold = new ArrayList<>();

	/**
	 * One consumer draining one pass over one workload.
	 * @param phase {@link #COLD} (the first pass: a JVM consumer has just started) or {@link #WARM} (the second)
	 */
	record Run(String consumer, String workload, int rep, String phase, long changes, Map<String, Object> figures) {

		static final String COLD = "cold";

		static final String WARM = "warm";

		Run {
			phase = (phase != null) ? phase : COLD; // results.json of earlier runs
		}

		boolean ok() {
			return Boolean.TRUE.equals(this.figures.get("ok"));
		}

		double seconds() {
			return number("seconds");
		}

		double rate() {
			return ok() ? this.changes / seconds() : Double.NaN;
		}

		/** @return the rate over the second half of the changes (JVM consumers: after JIT warm-up) */
		double secondHalfRate() {
			return ok() ? (this.changes - this.changes / 2) / (seconds() - number("halfSeconds")) : Double.NaN;
		}

		double threadCpu(String kind) {
			return (this.figures.get("threadCpuSeconds") instanceof Map<?, ?> m && m.get(kind) instanceof Number n)
					? n.doubleValue() : 0;
		}

		double serverCpuSeconds() {
			return number("serverCpuSeconds");
		}

		double cpuSeconds() {
			return number("cpuSeconds");
		}

		double peakRssMb() {
			return number("peakRssKb") / 1024;
		}

		double number(String key) {
			Object value = this.figures.get(key);
			return (value instanceof Number n) ? n.doubleValue() : Double.NaN;
		}

		String summary() {
			return ok() ? String.format("%,10.0f changes/s  %6.2f s  cpu %6.2f s  server cpu %6.2f s  rss %5.0f MiB",
					rate(), seconds(), cpuSeconds(), number("serverCpuSeconds"), peakRssMb())
					: "FAILED: " + this.figures.get("error");
		}

	}

}
