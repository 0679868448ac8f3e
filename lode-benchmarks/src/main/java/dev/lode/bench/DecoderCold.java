package dev.lode.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lode.core.decode.WalDecoder;

/**
 * How fast a <em>freshly started</em> JVM can decode a workload, with no network, no driver and no listeners:
 * decodes the captured messages of a workload (repeated, so from memory that is already warm) until as many
 * changes as the workload has were decoded, and reports the wall time and the process CPU (JIT included).
 * Compared with {@code pg_recvlogical}'s time for the whole workload in the first pass, it shows what a cold JVM
 * can reach at best on this machine. Run as its own JVM, with the same flags as the consumers:
 * {@code DecoderCold <payload dir> <format> <workload> <changes>}.
 */
public final class DecoderCold {

	private DecoderCold() {
	}

	public static void main(String[] args) throws Exception {
		Payloads.Input input = Payloads.Input.of(args);
		Payloads payloads = input.payloads();
		WalDecoder decoder = input.decoder();
		long target = Long.parseLong(args[3]);
		var threads = ManagementFactory.getThreadMXBean();
		double cpu0 = ProcStats.cpuSeconds();
		long thread0 = threads.getCurrentThreadCpuTime();
		long t0 = System.nanoTime();
		Payloads.CountingSink sink = new Payloads.CountingSink();
		while (sink.changes < target) {
			payloads.decodeAll(decoder, sink);
		}
		double seconds = (System.nanoTime() - t0) / 1e9;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("ok", true);
		result.put("format", input.format().id);
		result.put("workload", args[2]);
		result.put("changes", sink.changes);
		result.put("seconds", seconds);
		result.put("changesPerSecond", sink.changes / seconds);
		result.put("cpuSeconds", ProcStats.cpuSeconds() - cpu0);
		result.put("threadCpuSeconds", (threads.getCurrentThreadCpuTime() - thread0) / 1e9);
		ProcStats.printResult(result);
	}

}
