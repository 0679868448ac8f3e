package dev.lode.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.lode.core.WalChange;
import dev.lode.core.decode.WalDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: one operation decodes every captured message of one workload in one format (the files
 * {@code <format>-<workload>.bin} in the directory of the system property {@code lode.bench.payloads}). The
 * orchestrator turns operations/s into MB/s and changes/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecoderBenchmark {

	@Param({ "wal2json-v2" })
	public String format;

	@Param({ "bulk", "small", "mixed" })
	public String workload;

	private Payloads payloads;

	private WalDecoder decoder;

	@Setup
	public void setUp() throws Exception {
		Format f = Format.byId(this.format);
		this.decoder = f.newDecoder();
		this.payloads = Payloads.load(Payloads.file(Path.of(System.getProperty("lode.bench.payloads")), f,
				Workload.valueOf(this.workload.toUpperCase())));
	}

	@Benchmark
	public long decode(Blackhole blackhole) throws Exception {
		Payloads.CountingSink sink = new Payloads.CountingSink() {
			@Override
			void consume(WalChange change) {
				blackhole.consume(change);
			}
		};
		this.payloads.decodeAll(this.decoder, sink);
		return sink.changes;
	}

}
