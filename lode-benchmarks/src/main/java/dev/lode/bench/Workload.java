package dev.lode.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The three workloads. {@link #prepare} runs before the slots exist (so it is not decoded), {@link #generate}
 * after, so every consumer decodes identical WAL. Each repetition generates the workload twice: the first pass
 * ends with the warm-up marker (one row with {@code big = -2}, not counted), the second with the end marker
 * ({@code big = -1}). Every consumer is measured on each pass; for the JVM consumers the first pass is a cold
 * JVM, the second a warm one.
 */
enum Workload {

	/** Transactions of 10,000 rows each, inserted by {@code INSERT ... SELECT}. */
	BULK("bulk") {
		@Override
		long changes(boolean quick) {
			return transactions(quick) * 10_000L;
		}

		@Override
		void generate(Pg pg, boolean quick, int pass) throws Exception {
			List<String> statements = new ArrayList<>();
			for (long t = 0; t < transactions(quick); t++) {
				statements.add("insert into bench (big, txt, num, ts, flag) select " + Pg.ROW
						+ " from generate_series(" + (t * 10_000 + 1) + ", " + ((t + 1) * 10_000) + ") g");
			}
			pg.executeEach(statements);
		}

		private long transactions(boolean quick) {
			return quick ? 10 : 100;
		}
	},

	/** Single-row INSERT transactions from pgbench: 4 clients, 2 threads, synchronous_commit=off. */
	SMALL("small") {
		@Override
		long changes(boolean quick) {
			return quick ? 10_000 : 100_000;
		}

		@Override
		void generate(Pg pg, boolean quick, int pass) throws Exception {
			Path script = Files.createTempFile("lode-bench-", ".sql");
			try {
				Files.writeString(script, "\\set g random(1, 1000000000)\n" + "insert into bench (big, txt, num, ts, flag)"
						+ " values (:g::bigint * 1000, rpad(md5(:g::text), 50, 'x'), (:g % 100000) / 100.0, now(),"
						+ " :g % 2 = 0);\n");
				List<String> command = new ArrayList<>(List.of(pg.bin("pgbench"), "-n", "-c", "4", "-j", "2", "-t",
						Long.toString(changes(quick) / 4), "-f", script.toString()));
				command.addAll(pg.cliConnection());
				ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD);
				pg.cliEnvironment(pb);
				pb.environment().put("PGOPTIONS", "-c synchronous_commit=off");
				Process p = pb.start();
				if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
					p.destroyForcibly();
					throw new IllegalStateException("pgbench failed: " + String.join(" ", command));
				}
			}
			finally {
				Files.deleteIfExists(script);
			}
		}
	},

	/** Transactions of 1,000 inserts + 1,000 updates + 500 deletes, REPLICA IDENTITY FULL. */
	MIXED("mixed") {
		@Override
		long changes(boolean quick) {
			return transactions(quick) * 2_500L;
		}

		@Override
		void prepare(Pg pg) {
			// blocks of 1,000 ids: blocks 0 and 1 exist before the slots; transaction i inserts block i + 2,
			// updates block i + 1 and deletes the even ids of block i
			pg.execute("alter table bench replica identity full", "insert into bench (id, big, txt, num, ts, flag)"
					+ " select g, " + Pg.ROW + " from generate_series(1, 2000) g");
		}

		@Override
		void generate(Pg pg, boolean quick, int pass) throws Exception {
			try (Connection c = pg.connect(); Statement st = c.createStatement()) {
				c.setAutoCommit(false);
				// the second pass goes on where the first stopped
				long first = 2 + pass * transactions(quick);
				for (long b = first; b < first + transactions(quick); b++) {
					st.execute("insert into bench (id, big, txt, num, ts, flag) select g, " + Pg.ROW
							+ " from generate_series(" + (b * 1000 + 1) + ", " + ((b + 1) * 1000) + ") g");
					st.execute("update bench set num = num + 1, flag = not flag, ts = now() where id between "
							+ ((b - 1) * 1000 + 1) + " and " + (b * 1000));
					st.execute("delete from bench where id between " + ((b - 2) * 1000 + 1) + " and "
							+ ((b - 1) * 1000) + " and id % 2 = 0");
					c.commit();
				}
			}
		}

		private long transactions(boolean quick) {
			return quick ? 10 : 100;
		}
	};

	final String id;

	Workload(String id) {
		this.id = id;
	}

	/** @return the number of row changes the workload makes (without the marker) */
	abstract long changes(boolean quick);

	/** Runs before the slots are created. */
	void prepare(Pg pg) {
	}

	/**
	 * Makes the changes; the slots exist.
	 * @param pg the server
	 * @param quick 1/10 of the size
	 * @param pass 0 for the first pass (the JVM consumers' warm-up), 1 for the second
	 */
	abstract void generate(Pg pg, boolean quick, int pass) throws Exception;

}
