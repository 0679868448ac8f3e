package dev.lode.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.debezium.embedded.Connect;
import io.debezium.embedded.async.ConvertingAsyncEngineBuilderFactory;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The Debezium consumer: the embedded <em>async</em> engine with the PostgreSQL connector ({@code pgoutput},
 * {@code snapshot.mode=no_data}, slot and publication created beforehand, {@code MemoryOffsetBackingStore},
 * {@code table.include.list} = the workload table, everything else default), {@code SourceRecord} output, and a
 * consumer that counts change records (tombstones are not changes). The clock starts at the engine's
 * {@code taskStarted} callback (after Debezium's own start-up: configuration, connection, slot checks).
 *
 * <p>Arguments: host port database user password slot expectedChanges.
 */
public final class DebeziumConsumer {

	private DebeziumConsumer() {
	}

	public static void main(String[] args) throws Exception {
		Properties props = new Properties();
		props.setProperty("name", "lode-bench");
		props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
		props.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
		props.setProperty("database.hostname", args[0]);
		props.setProperty("database.port", args[1]);
		props.setProperty("database.dbname", args[2]);
		props.setProperty("database.user", args[3]);
		props.setProperty("database.password", args[4]);
		props.setProperty("slot.name", args[5]);
		props.setProperty("topic.prefix", "bench");
		props.setProperty("plugin.name", "pgoutput");
		props.setProperty("publication.name", Pg.PUBLICATION);
		props.setProperty("publication.autocreate.mode", "disabled");
		props.setProperty("snapshot.mode", "no_data");
		props.setProperty("table.include.list", "public." + Pg.TABLE);

		AtomicLong count = new AtomicLong();
		CountDownLatch done = new CountDownLatch(1);
		long half = Long.parseLong(args[6]) / 2;
		long[] times = new long[4]; // taskStarted, first record, marker, half of the changes
		double[] cpu = new double[2];
		double cpuEngineStart = ProcStats.cpuSeconds();
		long engineStart = System.nanoTime();
		DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = new ConvertingAsyncEngineBuilderFactory()
			.builder(ChangeEventFormat.of(Connect.class))
			.using(props)
			.using(new DebeziumEngine.ConnectorCallback() {
				@Override
				public void taskStarted() {
					cpu[0] = ProcStats.cpuSeconds();
					times[0] = System.nanoTime();
				}
			})
			.notifying(event -> {
				SourceRecord record = event.record();
				if (!(record.value() instanceof Struct value)) {
					return; // tombstone
				}
				long n = count.incrementAndGet();
				if (n == 1) {
					times[1] = System.nanoTime();
				}
				if (n == half) {
					times[3] = System.nanoTime();
				}
				Struct after = (value.schema().field("after") != null) ? value.getStruct("after") : null;
				if (after != null && Long.valueOf(-1L).equals(after.getInt64("big"))) {
					times[2] = System.nanoTime();
					cpu[1] = ProcStats.cpuSeconds();
					done.countDown();
				}
			})
			.using((success, message, error) -> {
				if (!success) {
					System.err.println("Debezium engine stopped: " + message);
					if (error != null) {
						error.printStackTrace();
					}
					done.countDown();
				}
			})
			.build();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		executor.execute(engine);
		boolean ok = done.await(20, TimeUnit.MINUTES) && times[2] != 0;

		Map<String, Object> result = new LinkedHashMap<>();
		result.put("ok", ok);
		result.put("changes", count.get() - (ok ? 1 : 0));
		result.put("seconds", ((ok ? times[2] : System.nanoTime()) - times[0]) / 1e9);
		result.put("secondsFromEngineStart", ((ok ? times[2] : System.nanoTime()) - engineStart) / 1e9);
		result.put("firstChangeSeconds", (times[1] - times[0]) / 1e9);
		result.put("halfSeconds", (times[3] - times[0]) / 1e9);
		result.put("cpuSeconds", (ok ? cpu[1] : ProcStats.cpuSeconds()) - cpu[0]);
		result.put("startupCpuSeconds", cpu[0] - cpuEngineStart);
		result.put("totalCpuSeconds", ProcStats.cpuSeconds());
		result.put("peakRssKb", ProcStats.peakRssKb());
		result.put("peakHeapBytes", ProcStats.peakHeapBytes());
		ProcStats.printResult(result);
		Runtime.getRuntime().halt(ok ? 0 : 1); // the slot is thrown away; no need to wait for a clean stop
	}

}
