package dev.lode.faults.driver;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.lode.faults.ledger.LedgerRecord;
import dev.lode.test.ReplicatedClusters;

/**
 * The failover mode of the fault injection (issue 22): a consumer keeps a copy of {@code snap_rows} while a writer
 * inserts, updates (values, keys, TOASTed values) and deletes rows at random through the multi-host URL; the driver
 * kills the primary ({@code pg_ctl -m immediate stop}) and promotes the standby, then makes the dead primary a new
 * standby (the promoted server stops for the cold copy: a restart lode and the writer go through too), again and
 * again. The consumer streams on the multi-host URL with {@code targetServerType=primary} and
 * {@code lode.slot.on-loss=resync}. With failover slots (PostgreSQL 17+) nothing is lost and no re-synchronisation
 * happens; without (before 17) each failover is a gap that lode re-synchronises. Either way the copy rebuilt from
 * every ledger equals {@code SELECT * FROM snap_rows} on the last primary at the end.
 */
public final class FailoverFaults {

	private static final String DB = "failover";

	private static final String SLOT = "lode_failover";

	private final ReplicatedClusters pair;

	private final int rows;

	private final int failovers;

	private final long seed;

	private final PrintStream out;

	private final Path directory;

	private final List<ConsumerProcess> runs = new ArrayList<>();

	/**
	 * @param pair the primary and its standby
	 * @param rows rows in the table before the consumer starts
	 * @param failovers how many times the primary is killed and the standby promoted
	 * @param seed the writer's seed and the pauses'
	 * @param parent where the run's directory goes
	 * @param out the report
	 */
	public FailoverFaults(ReplicatedClusters pair, int rows, int failovers, long seed, Path parent, PrintStream out)
			throws Exception {
		this.pair = pair;
		this.rows = rows;
		this.failovers = failovers;
		this.seed = seed;
		this.out = out;
		this.directory = Files.createDirectories(parent.resolve("failover-"
				+ LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
				+ ProcessHandle.current().pid()));
	}

	/**
	 * The outcome.
	 * @param failovers failovers done
	 * @param gaps gaps lode found (one per failover without a failover slot, none with one)
	 * @param resyncs re-synchronisations completed
	 * @param failoverSlots whether lode's slot was a failover slot (PostgreSQL 17+)
	 * @param writes the writer's statements
	 * @param streamingAgainMillis per failover, from the promotion to lode streaming again
	 * @param differences between the copy and the table
	 * @param summary the report
	 */
	public record Result(int failovers, int gaps, int resyncs, boolean failoverSlots, long writes,
			List<Long> streamingAgainMillis, List<String> differences, String summary) {

	}

	public Result run() throws Exception {
		long started = System.nanoTime();
		Random random = new Random(this.seed);
		this.pair.executeOnPrimary("postgres", "create database " + DB);
		this.pair.executeOnPrimary(DB, "create table snap_rows (id bigint primary key, v int not null, big text)",
				// the consumer's in-process listener watches it (nothing is written to it in this mode)
				"create table fault_events (id bigint primary key, note text not null)",
				"insert into snap_rows select g, 0, case when g % 10 = 0 then " + SnapshotFaults.BIG
						+ " end from generate_series(1, " + this.rows + ") g");
		boolean failoverSlots = this.pair.majorVersion() >= 17;
		launch();
		awaitTrue(() -> sessions() >= 1, 120);
		// the consumer reads the table's rows first (lode.snapshot.mode=initial), then streams
		RandomRowWriter writer = new RandomRowWriter(() -> DriverManager.getConnection(this.pair.multiHostUrl(DB),
				this.pair.username(), this.pair.password()), this.seed, this.rows, true);
		Thread writing = new Thread(writer, "failover-writer");
		writing.start();
		List<Long> streamingAgain = new ArrayList<>();
		long recordWritesPerMinute;
		try {
			for (int i = 1; i <= this.failovers; i++) {
				Thread.sleep(1000 + random.nextInt(2000));
				if (failoverSlots) {
					this.pair.awaitSyncedSlot(SLOT);
				}
				int before = sessions();
				this.pair.killPrimary();
				this.pair.promoteStandby();
				long promoted = System.nanoTime();
				awaitTrue(() -> sessions() > before, 120);
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - promoted);
				streamingAgain.add(millis);
				this.out.printf("[failover] %d/%d: primary killed, standby promoted; lode streams again %d ms after"
						+ " the promotion%n", i, this.failovers, millis);
				// the dead primary becomes the new standby: the new primary stops for a moment (a cold copy)
				int beforeRebuild = sessions();
				this.pair.rebuildStandby();
				awaitTrue(() -> sessions() > beforeRebuild, 120);
			}
			// the cost of lode's record while changes flow: its updates over a while
			long updatesBefore = recordUpdates();
			long sampled = System.nanoTime();
			Thread.sleep(this.failovers > 1 ? 30_000 : 10_000);
			recordWritesPerMinute = (recordUpdates() - updatesBefore) * 60_000_000_000L
					/ (System.nanoTime() - sampled);
		}
		finally {
			writer.stop();
			writing.join();
		}
		writer.rethrow();
		// every re-synchronisation done, everything written acknowledged (so delivered and in the ledger)
		awaitTrue(() -> !"true".equals(query("select bool_or(status <> 'done')::text from lode_snapshot_progress")), 300);
		String end = this.pair.queryPrimary(DB, "select pg_current_wal_lsn()::text");
		awaitTrue(() -> "true".equals(query("select (confirmed_flush_lsn >= '" + end
				+ "'::pg_lsn)::text from pg_replication_slots where slot_name = '" + SLOT + "'")), 120);
		this.runs.get(this.runs.size() - 1).stopGracefully(30);

		CopyRebuild rebuild = new CopyRebuild();
		for (ConsumerProcess run : this.runs) {
			for (LedgerRecord record : run.records()) {
				if (record.type() == 'c') {
					rebuild.apply(record);
				}
			}
		}
		List<String> differences = SnapshotFaults.compare(this.pair.connectPrimary(DB), rebuild.copy);
		boolean passed = differences.isEmpty() && (failoverSlots ? rebuild.gaps == 0 : rebuild.gaps == this.failovers)
				&& rebuild.resyncs == rebuild.gaps;
		String summary = String.format("lode fault injection: plan=failover seed=%d duration=%ds dir=%s%n"
				+ "  server: PostgreSQL %d, %s; table: %d rows before the consumer started%n"
				+ "  faults: primary killed and standby promoted=%d; writer: %d inserts, updates and deletes, %d"
				+ " reconnects%n  lode streaming again after each promotion (ms): %s%n"
				+ "  gaps found=%d re-synchronisations completed=%d (expected %s)%n"
				+ "  lode's record of its stream (lode.status-interval=1s): %d updates a minute while the writer ran%n"
				+ "  copy vs SELECT * FROM snap_rows on the last primary: %s%n  result: %s%n",
				this.seed, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), this.directory,
				this.pair.majorVersion(), failoverSlots ? "failover slot (synchronised to the standby)"
						: "no failover slots (lode.slot.on-loss=resync)",
				this.rows, this.failovers, writer.writes(), writer.reconnects(), streamingAgain, rebuild.gaps,
				rebuild.resyncs, failoverSlots ? "none: the failover slot continues" : "one per failover",
				recordWritesPerMinute,
				differences.isEmpty() ? "identical (" + rebuild.copy.size() + " rows)" : differences.size()
						+ " differences, first " + differences.subList(0, Math.min(10, differences.size())),
				passed ? "PASSED" : "FAILED");
		this.out.print(summary);
		Files.writeString(this.directory.resolve("report.txt"), summary);
		return new Result(this.failovers, rebuild.gaps, rebuild.resyncs, failoverSlots, writer.writes(),
				streamingAgain, differences, summary);
	}

	private long recordUpdates() {
		String updates = query("select n_tup_upd from pg_stat_user_tables where relname = 'lode_stream_record'");
		return (updates != null) ? Long.parseLong(updates) : 0;
	}

	private String query(String sql) {
		try {
			return this.pair.queryPrimary(DB, sql);
		}
		catch (RuntimeException ex) {
			return null; // between a kill and a promotion, or the table is not there yet
		}
	}

	private int sessions() {
		return (int) this.runs.stream()
			.flatMap((run) -> run.records().stream())
			.filter(LedgerRecord::isSessionStart)
			.count();
	}

	private void launch() {
		int run = this.runs.size() + 1;
		List<String> arguments = List.of("--spring.main.banner-mode=off", "--lode.url=" + this.pair.multiHostUrl(DB),
				"--lode.username=" + this.pair.username(), "--lode.slot.name=" + SLOT, "--lode.plugin=pgoutput",
				"--lode.status-interval=1s", "--lode.slot.takeover-interval=500ms",
				"--lode.reconnect.initial-interval=200ms", "--lode.reconnect.max-interval=1s",
				"--lode.shutdown.timeout=2s", "--lode.slot.on-loss=resync", "--lode.snapshot.mode=initial",
				"--lode.snapshot.tables=snap_rows", "--fault.snapshot=true",
				"--fault.on-demand-snapshot=false", "--fault.parent-pid=" + ProcessHandle.current().pid());
		this.runs.add(ConsumerProcess.start(run, this.directory, arguments,
				Map.of("LODE_PASSWORD", this.pair.password())));
	}

	private void awaitTrue(BooleanSupplier condition, int seconds) throws InterruptedException {
		ConsumerProcess.awaitTrue(this.runs.isEmpty() ? null : this.runs.get(this.runs.size() - 1), condition, seconds);
	}

}
