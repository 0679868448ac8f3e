package dev.lode.core.decode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.lode.test.TestPostgres;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One transaction of 1,000,000 rows through wal2json format 2 and through pgoutput, each consumed by a
 * {@link dev.lode.core.replication.ReplicationLoop} in a forked JVM with {@code -Xmx128m}: the formats that send
 * one message per change must stream a transaction of any size in bounded memory. Prints the figures (format 1
 * is left out: wal2json builds the whole transaction as one message, about 130 MB per 500,000 rows).
 */
@WithPostgres
class LargeTransactionMemoryTest {

	private static final int ROWS = 1_000_000;

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void millionRowTransactionFitsIn128MegabytesOfHeap(TestPostgres pg) throws Exception {
		String db = pg.createDatabase("million");
		pg.execute(db, "CREATE TABLE big (id integer PRIMARY KEY, v text, n numeric, t timestamptz)");
		List<OutputFormat> formats = List.of(OutputFormat.WAL2JSON_V2, OutputFormat.PGOUTPUT);
		try (Connection c = pg.connect(db)) {
			for (OutputFormat format : formats) {
				String slot = slot(format);
				dev.lode.core.replication.DecoderPreparation.prepare(c, format.create(List.of(), null, slot), false);
				pg.execute(db, "select pg_create_logical_replication_slot('" + slot + "', '" + format.plugin() + "')");
			}
		}
		long start = System.nanoTime();
		pg.execute(db, "INSERT INTO big SELECT g, md5(g::text), g / 7.0, now() FROM generate_series(1, " + ROWS + ") g");
		System.out.printf("1M-row transaction inserted in %.1f s%n", (System.nanoTime() - start) / 1e9);
		for (OutputFormat format : formats) {
			String result = consume(pg, db, format);
			System.out.println(result);
			assertThat(result).contains("changes=" + ROWS);
		}
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void aFormat1TransactionLargerThanTheHeapStopsWithTheCauseAndTheFix(TestPostgres pg) throws Exception {
		String db = pg.createDatabase("too_large");
		pg.execute(db, "CREATE TABLE big (id integer PRIMARY KEY, v text, n numeric, t timestamptz)",
				"select pg_create_logical_replication_slot('" + slot(OutputFormat.WAL2JSON_V1) + "', 'wal2json')");
		// about 60 MB of JSON in one message; the consumer gets 32 MB of heap
		pg.execute(db, "INSERT INTO big SELECT g, md5(g::text), g / 7.0, now() FROM generate_series(1, 250000) g");
		List<String> output = run(pg, db, OutputFormat.WAL2JSON_V1, 250_000, "-Xmx32m");
		output.stream().filter((line) -> line.startsWith("FAILED")).forEach(System.out::println);
		assertThat(output.get(0)).as(String.join("\n", output.subList(1, output.size()))).isEqualTo("exit 3");
		assertThat(output).anySatisfy((line) -> assertThat(line).startsWith("FAILED A transaction after")
			.contains("does not fit in the Java heap (")
			.contains("wal2json format 1 sends each transaction as one message")
			.contains("Set lode.wal2json.format-version=2 or lode.plugin=pgoutput"));
	}

	private static String slot(OutputFormat format) {
		return "million_" + format.name().toLowerCase();
	}

	private static String consume(TestPostgres pg, String db, OutputFormat format) throws Exception {
		List<String> output = run(pg, db, format, ROWS, "-Xmx128m");
		String tail = String.join("\n", output.subList(Math.max(1, output.size() - 40), output.size()));
		assertThat(output.get(0)).as(tail).isEqualTo("exit 0");
		String result = output.stream().filter((line) -> line.startsWith("RESULT")).findFirst().orElse(null);
		assertThat(result).as(tail).isNotNull();
		return result;
	}

	/** @return {@code exit N}, then every line the consumer printed */
	private static List<String> run(TestPostgres pg, String db, OutputFormat format, int rows, String heap)
			throws Exception {
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap, "-XX:+UseSerialGC",
				"-cp", classpath, LargeTransactionConsumer.class.getName(), pg.jdbcUrl(db), pg.username(),
				pg.password(), slot(format), format.name(), Integer.toString(rows)));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<String> lines = new ArrayList<>();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = out.readLine()) != null) {
				lines.add(line);
			}
		}
		lines.add(0, "exit " + process.waitFor());
		return lines;
	}

}
