package dev.lode.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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
 * consumer that counts change records (tombstones are not changes). The first pass is timed from the engine's
 * {@code taskStarted} callback (after Debezium's own start-up: configuration, connection, slot checks) to the
 * warm-up marker, the second from there to the end marker.
 *
 * <p>Arguments: host port database user password slot expectedChanges.
 */
public final class DebeziumConsumer {

	private DebeziumConsumer() {
	}

	/**
	 * The engine's properties for the benchmark table over pgoutput and the benchmark's publication.
	 * @param connection host, port, database, user, password, slot
	 * @param snapshotMode Debezium's {@code snapshot.mode}
	 * @return the properties
	 */
	static Properties properties(String[] connection, String snapshotMode) {
		Properties props = new Properties();
		props.setProperty("name", "lode-bench");
		props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
		props.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
		props.setProperty("database.hostname", connection[0]);
		props.setProperty("database.port", connection[1]);
		props.setProperty("database.dbname", connection[2]);
		props.setProperty("database.user", connection[3]);
		props.setProperty("database.password", connection[4]);
		props.setProperty("slot.name", connection[5]);
		props.setProperty("topic.prefix", "bench");
		props.setProperty("plugin.name", "pgoutput");
		props.setProperty("publication.name", Pg.PUBLICATION);
		props.setProperty("publication.autocreate.mode", "disabled");
		props.setProperty("snapshot.mode", snapshotMode);
		props.setProperty("table.include.list", "public." + Pg.TABLE);
		return props;
	}

	public static void main(String[] args) throws Exception {
		Properties props = properties(args, "no_data");

		// two passes: from taskStarted to the warm-up marker (cold JVM), then to the end marker (warm JVM)
		LodeConsumerApp.Passes passes = new LodeConsumerApp.Passes();
		passes.half = Long.parseLong(args[6]) / 2;
		double cpuEngineStart = ProcStats.cpuSeconds();
		long engineStart = System.nanoTime();
		DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = new ConvertingAsyncEngineBuilderFactory()
			.builder(ChangeEventFormat.of(Connect.class))
			.using(props)
			.using(new DebeziumEngine.ConnectorCallback() {
				@Override
				public void taskStarted() {
					passes.cold.begin(System.nanoTime());
				}
			})
			.notifying(event -> {
				SourceRecord record = event.record();
				if (!(record.value() instanceof Struct value)) {
					return; // tombstone
				}
				Struct after = (value.schema().field("after") != null) ? value.getStruct("after") : null;
				synchronized (passes) { // the async engine may call this from more than one thread
					passes.record((after != null) ? after.getInt64("big") : null);
				}
			})
			.using((success, message, error) -> {
				if (!success) {
					System.err.println("Debezium engine stopped: " + message);
					if (error != null) {
						error.printStackTrace();
					}
					passes.done.countDown();
				}
			})
			.build();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		executor.execute(engine);
		boolean ok = passes.done.await(20, TimeUnit.MINUTES) && passes.warm != null
				&& passes.warm.endNanos != 0;

		Map<String, Object> result = new LinkedHashMap<>();
		result.put("ok", ok);
		result.put("startupSeconds", (passes.cold.startNanos - engineStart) / 1e9);
		result.put("startupCpuSeconds", passes.cold.startCpu - cpuEngineStart);
		result.putAll(passes.cold.figures());
		if (passes.warm != null) {
			result.put("warm", passes.warm.figures());
		}
		result.put("totalCpuSeconds", ProcStats.cpuSeconds());
		result.put("peakRssKb", ProcStats.peakRssKb());
		result.put("peakHeapBytes", ProcStats.peakHeapBytes());
		ProcStats.printResult(result);
		Runtime.getRuntime().halt(ok ? 0 : 1); // the slot is thrown away; no need to wait for a clean stop
	}

}
