package dev.lode.faults.driver;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import dev.lode.faults.ledger.LedgerRecord;
import dev.lode.test.TestPostgres;

/**
 * The snapshot mode of the fault injection (issue 14): a consumer keeps a copy of {@code snap_rows} (every SNAPSHOT,
 * INSERT, UPDATE, DELETE in its ledger) from an initial snapshot ({@code lode.snapshot.mode=initial}) and then an
 * on-demand one, while a writer inserts, updates (values, keys, TOASTed values) and deletes rows at random; the
 * driver kills the consumer ({@code kill -9}) in the middle of the initial snapshot and in the middle of the
 * on-demand one, several times each. At the end the copy rebuilt from every run's ledger, in order, must equal
 * {@code SELECT * FROM snap_rows}, row for row.
 */
public final class SnapshotFaults {

	static final String BIG = "(select string_agg(md5(random()::text), '') from generate_series(1, 320))";

	private final TestPostgres pg;

	private final int rows;

	private final int killsPerSnapshot;

	private final long seed;

	private final PrintStream out;

	private final Path directory;

	private final List<ConsumerProcess> runs = new ArrayList<>();

	private String database;

	private String slot;

	/**
	 * @param pg the server
	 * @param rows rows in the table before the slot exists
	 * @param killsPerSnapshot kills in the middle of the initial snapshot, and again of the on-demand one
	 * @param seed the writer's seed
	 * @param parent where the run's directory goes
	 * @param out the report
	 */
	public SnapshotFaults(TestPostgres pg, int rows, int killsPerSnapshot, long seed, Path parent, PrintStream out)
			throws Exception {
		this.pg = pg;
		this.rows = rows;
		this.killsPerSnapshot = killsPerSnapshot;
		this.seed = seed;
		this.out = out;
		this.directory = Files.createDirectories(parent.resolve("snapshots-"
				+ LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + ProcessHandle.current().pid()));
	}

	/** The outcome. */
	public record Result(int rows, int killsInInitial, int killsInOnDemand, long writes, long ledgerChanges,
			List<String> differences, String summary) {

		public boolean perfect() {
			return this.differences.isEmpty();
		}

	}

	public Result run() throws Exception {
		long started = System.nanoTime();
		this.database = this.pg.createDatabase("snapfaults");
		this.slot = this.database;
		this.pg.execute(this.database, "create table snap_rows (id bigint primary key, v int not null, big text)",
				// the consumer's in-process listener watches it (nothing is written to it in this mode)
				"create table fault_events (id bigint primary key, note text not null)",
				"insert into snap_rows select g, 0, case when g % 10 = 0 then " + BIG + " end from generate_series(1, "
						+ this.rows + ") g");
		RandomRowWriter writer = new RandomRowWriter(() -> this.pg.connect(this.database), this.seed, this.rows, false);
		Thread writing = new Thread(writer, "snapshot-writer");
		writing.start();
		int killsInitial = 0;
		int killsOnDemand = 0;
		try {
			launch();
			killsInitial = killInTheMiddle(this::copies, this::initialDone);
			awaitTrue(this::initialDone, 300);
			awaitTrue(() -> onDemandRows() > 0, 120);
			killsOnDemand = killInTheMiddle(this::onDemandRows, this::onDemandDone);
			awaitTrue(this::onDemandDone, 300);
		}
		finally {
			writer.stop();
			writing.join();
		}
		writer.rethrow();
		// everything written is acknowledged (so delivered and in the ledger), then the consumer stops
		String end = this.pg.queryForString(this.database, "select pg_current_wal_lsn()::text");
		awaitTrue(() -> "true".equals(this.pg.queryForString(this.database, "select (confirmed_flush_lsn >= '" + end
				+ "'::pg_lsn)::text from pg_replication_slots where slot_name = '" + this.slot + "'")), 120);
		this.runs.get(this.runs.size() - 1).stopGracefully(30);

		CopyRebuild rebuild = new CopyRebuild();
		long changes = 0;
		for (ConsumerProcess run : this.runs) {
			for (LedgerRecord record : run.records()) {
				if (record.type() == 'c') {
					rebuild.apply(record);
					changes++;
				}
			}
		}
		Map<Long, String[]> copy = rebuild.copy;
		List<String> differences = compare(this.pg.connect(this.database), copy);
		String summary = String.format("lode fault injection: plan=snapshots seed=%d duration=%ds dir=%s%n"
				+ "  table: %d rows before the slot; writer: %d inserts, updates (values, keys, TOASTed values) and"
				+ " deletes during the snapshots%n  faults: kill -9 in the middle of the initial snapshot=%d, in the"
				+ " middle of the on-demand snapshot=%d; consumer runs=%d%n  ledger: %d changes of snap_rows applied"
				+ " to the copy%n  copy vs SELECT * FROM snap_rows: %s%n  result: %s%n", this.seed,
				TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), this.directory, this.rows, writer.writes(),
				killsInitial, killsOnDemand, this.runs.size(), changes,
				differences.isEmpty() ? "identical (" + copy.size() + " rows)" : differences.size() + " differences, first "
						+ differences.subList(0, Math.min(10, differences.size())),
				differences.isEmpty() ? "PASSED" : "FAILED");
		this.out.print(summary);
		Files.writeString(this.directory.resolve("report.txt"), summary);
		return new Result(this.rows, killsInitial, killsOnDemand, writer.writes(), changes, differences, summary);
	}

	/** Compares the copy with {@code snap_rows} as the connection (closed here) reads it. */
	static List<String> compare(Connection connection, Map<Long, String[]> copy) throws Exception {
		Map<Long, String[]> table = new HashMap<>();
		try (Connection c = connection; Statement st = c.createStatement();
				ResultSet rs = st.executeQuery("select id, v, coalesce(md5(big), '-') from snap_rows")) {
			while (rs.next()) {
				table.put(rs.getLong(1), new String[] { rs.getString(2), rs.getString(3) });
			}
		}
		List<String> differences = new ArrayList<>();
		TreeSet<Long> ids = new TreeSet<>(table.keySet());
		ids.addAll(copy.keySet());
		for (Long id : ids) {
			String[] expected = table.get(id);
			String[] actual = copy.get(id);
			if (expected == null) {
				differences.add(id + " only in the copy");
			}
			else if (actual == null) {
				differences.add(id + " missing from the copy");
			}
			else if (!expected[0].equals(actual[0]) || !expected[1].equals(actual[1])) {
				differences.add(id + " v=" + actual[0] + " big=" + actual[1] + " in the copy, v=" + expected[0]
						+ " big=" + expected[1] + " in the table");
			}
		}
		return differences;
	}

	private void launch() {
		int run = this.runs.size() + 1;
		List<String> arguments = List.of("--spring.main.banner-mode=off",
				"--lode.url=" + this.pg.jdbcUrl(this.database), "--lode.username=" + this.pg.username(),
				"--lode.slot.name=" + this.slot, "--lode.status-interval=1s", "--lode.slot.takeover-interval=500ms",
				"--lode.reconnect.initial-interval=200ms", "--lode.shutdown.timeout=2s",
				"--lode.snapshot.mode=initial", "--lode.snapshot.tables=snap_rows", "--lode.snapshot.chunk-size=200",
				"--lode.snapshot.parallelism=4",
				"--fault.snapshot=true", "--fault.snapshot-row-delay-micros=200",
				"--fault.parent-pid=" + ProcessHandle.current().pid());
		this.runs.add(ConsumerProcess.start(run, this.directory, arguments, Map.of("LODE_PASSWORD", this.pg.password())));
	}

	/**
	 * Kills the consumer up to {@code killsPerSnapshot} times, each time after the snapshot made some progress
	 * and before it is done, and starts the next one.
	 * @return the kills
	 */
	private int killInTheMiddle(java.util.function.LongSupplier progress, java.util.function.BooleanSupplier done)
			throws InterruptedException {
		int kills = 0;
		while (kills < this.killsPerSnapshot) {
			long before = progress.getAsLong();
			long step = this.rows / (this.killsPerSnapshot * 4L);
			awaitTrue(() -> progress.getAsLong() > before + step || done.getAsBoolean(), 120);
			if (done.getAsBoolean()) {
				break;
			}
			kill();
			kills++;
			launch();
		}
		return kills;
	}

	private void kill() throws InterruptedException {
		ConsumerProcess current = this.runs.get(this.runs.size() - 1);
		current.kill9();
		this.out.printf("[snapshots] kill -9 of %s after %d changes recorded%n", current, copies(current));
	}

	private long copies() {
		return copies(this.runs.get(this.runs.size() - 1));
	}

	private static long copies(ConsumerProcess run) {
		return run.records().stream().filter((record) -> record.type() == 'c').count();
	}

	private boolean initialDone() {
		return "true".equals(progress("bool_and(status = 'done') filter (where snapshot_id like 'initial-%')"));
	}

	private boolean onDemandDone() {
		return "true".equals(progress("bool_and(status = 'done') filter (where snapshot_id not like 'initial-%')"));
	}

	private long onDemandRows() {
		String rows = progress("sum(rows) filter (where snapshot_id not like 'initial-%')");
		return (rows != null) ? Long.parseLong(rows) : 0;
	}

	private String progress(String aggregate) {
		try {
			return this.pg.queryForString(this.database, "select " + aggregate + "::text from lode_snapshot_progress");
		}
		catch (RuntimeException ex) {
			return null; // not created yet
		}
	}

	private void awaitTrue(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
		ConsumerProcess.awaitTrue(this.runs.isEmpty() ? null : this.runs.get(this.runs.size() - 1), condition, seconds);
	}

}
