package dev.lode.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lode.core.decode.WalDecoder;

/**
 * A companion of the JMH benchmark for a shared, noisy machine: decodes the captured messages on one thread and
 * reports the <em>thread CPU time</em> per change and per MB (after a warm-up), which other processes competing
 * for the cores disturb far less than JMH's wall-clock throughput. Run as its own JVM:
 * {@code DecoderCpu <payload dir> <format> <workload> <seconds>}.
 */
public final class DecoderCpu {

	private DecoderCpu() {
	}

	public static void main(String[] args) throws Exception {
		Payloads.Input input = Payloads.Input.of(args);
		Payloads payloads = input.payloads();
		WalDecoder decoder = input.decoder();
		double seconds = Double.parseDouble(args[3]);
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long warmupEnd = System.nanoTime() + (long) (seconds / 3 * 1e9);
		while (System.nanoTime() < warmupEnd) {
			payloads.decodeAll(decoder, new Payloads.CountingSink());
		}
		Payloads.CountingSink sink = new Payloads.CountingSink();
		long passes = 0;
		long cpu0 = threads.getCurrentThreadCpuTime();
		long end = System.nanoTime() + (long) (seconds * 2 / 3 * 1e9);
		while (System.nanoTime() < end) {
			payloads.decodeAll(decoder, sink);
			passes++;
		}
		double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("ok", true);
		result.put("passes", passes);
		result.put("cpuNanosPerChange", cpu * 1e9 / sink.changes);
		result.put("cpuMbPerSecond", passes * payloads.bytes / 1e6 / cpu);
		result.put("cpuChangesPerSecond", sink.changes / cpu);
		ProcStats.printResult(result);
	}

}
