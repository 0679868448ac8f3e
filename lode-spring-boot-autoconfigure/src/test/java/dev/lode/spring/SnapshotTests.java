package dev.lode.spring;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.core.replication.ReplicationSetupException;
import dev.lode.core.snapshot.SnapshotException;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.container.LodeSnapshots;
import dev.lode.spring.event.WalSnapshotCompletedEvent;
import dev.lode.spring.event.WalSnapshotStartedEvent;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots while streaming goes on: a listener that applies SNAPSHOT, INSERT, UPDATE, DELETE and TRUNCATE to a
 * copy keyed by primary key ends with a perfect copy of the table, though a writer changes rows (keys and
 * TOASTed values too) during the snapshot; no snapshot row is older than a change delivered before it; a table
 * without a primary key is refused; a snapshot stopped in the middle continues on the next start.
 */
@WithPostgres
class SnapshotTests extends LodeTestApps {

	private static final String BIG = "(select string_agg(md5(random()::text), '') from generate_series(1, 320))";

	/** The copy: outside the application, as a database would be, so that it outlives a restart. */
	static final Map<Integer, Map<String, Object>> copy = new ConcurrentHashMap<>();

	static final List<String> stale = new CopyOnWriteArrayList<>();

	static final AtomicInteger snapshotRows = new AtomicInteger();

	static volatile long listenerDelayMillis;

	/** Runs once, on the listener's thread, when the 1000th snapshot row arrives (the snapshot is half done). */
	static volatile Runnable midSnapshot;

	/** The kinds in the order the listener saw them, and the ids of the snapshot rows. */
	static final List<ChangeKind> kinds = new CopyOnWriteArrayList<>();

	static final List<Integer> snapshotIds = new CopyOnWriteArrayList<>();

	/** Streamed UPDATEs and DELETEs of rows the copy did not have. */
	static final List<String> unknown = new CopyOnWriteArrayList<>();

	/** When set, the listener waits on it at the UPDATE that sets v of row 1 to 77 (and counts {@link #held} down). */
	static volatile CountDownLatch gate;

	static volatile CountDownLatch held = new CountDownLatch(1);

	@BeforeEach
	void createItems() {
		copy.clear();
		stale.clear();
		snapshotRows.set(0);
		listenerDelayMillis = 0;
		midSnapshot = null;
		kinds.clear();
		snapshotIds.clear();
		unknown.clear();
		gate = null;
		held = new CountDownLatch(1);
		sql("create table items (id int primary key, v int not null, big text)",
				"create table nokey (a int, b text)",
				"insert into items select g, 0, case when g % 10 = 0 then " + BIG + " end"
						+ " from generate_series(1, 2000) g");
	}

	@Test
	void anOnDemandSnapshotDuringRandomWritesGivesAPerfectCopy() throws Exception {
		ConfigurableApplicationContext context = start(Copier.class, "lode.snapshot.chunk-size=100");
		Copier copier = context.getBean(Copier.class);
		Writer writer = new Writer(2000);
		Thread thread = new Thread(writer, "writer");
		thread.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> writer.operations.get() > 20);
		AtomicInteger duringSnapshot = new AtomicInteger();
		midSnapshot = () -> {
			// half way through the snapshot, the writer goes on for 150 writes (however fast the snapshot is)
			int now = writer.operations.get();
			await().atMost(Duration.ofSeconds(30)).until(() -> writer.operations.get() >= now + 150);
			duringSnapshot.set(writer.operations.get() - now);
		};
		String id = context.getBean(LodeSnapshots.class).snapshot("items");
		await().atMost(Duration.ofSeconds(90)).until(() -> copier.completed.contains(id));
		writer.running.set(false);
		thread.join();
		assertThat(writer.failure).isNull();
		assertThat(duringSnapshot.get()).as("writes during the snapshot").isGreaterThanOrEqualTo(150);
		assertPerfectCopy();
		assertThat(stale).as("snapshot rows older than a change delivered before them").isEmpty();
		assertThat(copier.started).contains(id);
		assertThat(copier.last).as("rows marked as the table's last").hasSizeLessThanOrEqualTo(1);
	}

	/**
	 * The chunk is read while the stream is behind: its snapshot already holds a row at the new key of an UPDATE
	 * that moved the row (its TOASTed value unchanged, so not in the stream) and that arrives in the chunk's
	 * window. The UPDATE takes the TOASTed value from the chunk's row, which the chunk then no longer delivers.
	 */
	@Test
	void aKeyChangeTheChunkAlreadySawKeepsTheUnchangedToastedValue() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		gate = release;
		ConfigurableApplicationContext context = start(Copier.class, "lode.snapshot.chunk-size=4096");
		Copier copier = context.getBean(Copier.class);
		sql("update items set v = 77 where id = 1");
		assertThat(held.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the listener holds the stream").isTrue();
		String id = context.getBean(LodeSnapshots.class).snapshot("items");
		sql("update items set id = 5000 where id = 10");
		release.countDown();
		await().atMost(Duration.ofSeconds(60)).until(() -> copier.completed.contains(id));
		assertPerfectCopy();
	}

	@Test
	void aTableWithoutPrimaryKeyIsRefusedWithTheFix() {
		ConfigurableApplicationContext context = start(AllTables.class);
		assertThatThrownBy(() -> context.getBean(LodeSnapshots.class).snapshot("nokey"))
			.isInstanceOf(SnapshotException.class)
			.hasMessageContaining("public.nokey has no primary key")
			.hasMessageContaining("ADD PRIMARY KEY");
	}

	@Test
	void aTableWhoseListenersTakeNoSnapshotRowsIsRefusedWithTheFix() {
		ConfigurableApplicationContext context = start(InsertsOnly.class);
		assertThatThrownBy(() -> context.getBean(LodeSnapshots.class).snapshot("items"))
			.isInstanceOf(SnapshotException.class)
			.hasMessageContaining("No listener of public.items receives SNAPSHOT rows (its listeners take [INSERT])")
			.hasMessageContaining("Add ChangeKind.SNAPSHOT");
		assertThat(context.getBean(LodeSnapshots.class).running()).isEmpty();
	}

	@Test
	void aTruncateDuringTheSnapshotEmptiesTheCopy() throws Exception {
		listenerDelayMillis = 1;
		ConfigurableApplicationContext context = start(Copier.class, "lode.snapshot.chunk-size=50");
		Copier copier = context.getBean(Copier.class);
		String id = context.getBean(LodeSnapshots.class).snapshot("items");
		await().atMost(Duration.ofSeconds(30)).until(() -> snapshotRows.get() >= 200);
		sql("truncate items", "insert into items values (5000, 1, 'after')");
		await().atMost(Duration.ofSeconds(60)).until(() -> copier.completed.contains(id));
		assertPerfectCopy();
	}

	@Test
	void aSnapshotOfAStartupTableStoppedInTheMiddleContinuesOnTheNextStartAndTheCopyIsPerfect() throws Exception {
		listenerDelayMillis = 2;
		ConfigurableApplicationContext first = start(Copier.class, "lode.snapshot.tables=items",
				"lode.snapshot.chunk-size=100");
		await().atMost(Duration.ofSeconds(30)).until(() -> snapshotRows.get() >= 500);
		sql("update items set v = v + 1 where id in (1, 1500, 1999)", "delete from items where id = 1700",
				"update items set id = 3001 where id = 1800");
		first.close();
		int before = snapshotRows.get();
		assertThat(before).as("stopped in the middle").isLessThan(2000);
		sql("update items set v = v + 1 where id = 1600", "insert into items values (2500, 0, null)");

		listenerDelayMillis = 0;
		ConfigurableApplicationContext second = start(Copier.class, "lode.snapshot.tables=items",
				"lode.snapshot.chunk-size=100");
		Copier copier = second.getBean(Copier.class);
		await().atMost(Duration.ofSeconds(60)).until(() -> !copier.completed.isEmpty());
		assertThat(copier.resumed).as("the second start continued the snapshot").hasSize(1);
		assertPerfectCopy();
		assertThat(stale).isEmpty();
		// at most the chunk in flight (and the stream's unacknowledged changes) arrive twice
		assertThat(snapshotRows.get()).isLessThan(2000 + 2 * 100);

		second.close();
		copy.clear();
		ConfigurableApplicationContext third = start(Copier.class, "lode.snapshot.tables=items");
		Copier again = third.getBean(Copier.class);
		sql("insert into items values (2600, 0, null)");
		await().atMost(Duration.ofSeconds(20)).until(() -> copy.containsKey(2600));
		assertThat(again.started).as("a startup table is read once per slot").isEmpty();
	}

	@Test
	void theInitialModeDeliversEachRowOfTheConsistentPointOnceBeforeAnyStreamedChange() throws Exception {
		initialModeDeliversEachRowOnce(1);
	}

	@Test
	void theInitialModeWithFourReadersDeliversEachRowOfTheConsistentPointOnceBeforeAnyStreamedChange()
			throws Exception {
		initialModeDeliversEachRowOnce(4);
	}

	private void initialModeDeliversEachRowOnce(int parallelism) throws Exception {
		if (parallelism > 1) {
			sql("analyze items"); // the key ranges split at the key's histogram
		}
		Writer writer = new Writer(2000);
		Thread thread = new Thread(writer, "writer");
		thread.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> writer.operations.get() > 20);
		// the slot is created (and its snapshot read) while the writer goes on; half way, 150 more writes
		midSnapshot = () -> {
			int now = writer.operations.get();
			await().atMost(Duration.ofSeconds(30)).until(() -> writer.operations.get() >= now + 150);
		};
		ConfigurableApplicationContext context = start(Copier.class, "lode.snapshot.mode=initial",
				"lode.snapshot.chunk-size=100", "lode.snapshot.parallelism=" + parallelism);
		Copier copier = context.getBean(Copier.class);
		await().atMost(Duration.ofSeconds(60)).until(() -> !copier.completed.isEmpty());
		int after = writer.operations.get();
		await().atMost(Duration.ofSeconds(30)).until(() -> writer.operations.get() > after + 200);
		writer.running.set(false);
		thread.join();
		assertThat(writer.failure).isNull();
		assertPerfectCopy();
		int snapshots = snapshotIds.size();
		assertThat(snapshots).as("rows at the consistent point").isGreaterThan(1500);
		assertThat(snapshotIds).as("each row once").doesNotHaveDuplicates();
		assertThat(kinds.subList(0, snapshots)).as("every snapshot row before the first streamed change")
			.containsOnly(ChangeKind.SNAPSHOT);
		assertThat(kinds.subList(snapshots, kinds.size())).as("streamed changes after it")
			.doesNotContain(ChangeKind.SNAPSHOT)
			.isNotEmpty();
		assertThat(unknown).as("streamed changes of rows the snapshot did not deliver").isEmpty();
		assertThat(copier.started).hasSize(1).allMatch((id) -> id.startsWith("initial-"));
		assertThat(copier.last).as("the table's last row, marked").hasSizeLessThanOrEqualTo(1);
		assertThat(copier.last).as("the last row delivered").allMatch((id) -> id.equals(snapshotIds.get(snapshots - 1)));
	}

	@Test
	void anInitialSnapshotStoppedInTheMiddleContinuesOnTheNextStartAndTheCopyIsPerfect() throws Exception {
		initialSnapshotStoppedInTheMiddle(1);
		// one reader: the next start goes on after the last completed chunk
		assertThat(snapshotRows.get()).as("at most a chunk again").isLessThan(2000 + 3 + 2 * 100);
	}

	@Test
	void anInitialSnapshotOfFourKeyRangesAtOnceStoppedInTheMiddleGivesAPerfectCopy() throws Exception {
		initialSnapshotStoppedInTheMiddle(4);
		// four readers: the next start goes on after the completed chunks that follow each other from the first key
		assertThat(snapshotRows.get()).as("at most the table again").isLessThan(2 * 2000 + 3 + 4 * 100);
	}

	private void initialSnapshotStoppedInTheMiddle(int parallelism) throws Exception {
		listenerDelayMillis = 2;
		ConfigurableApplicationContext first = start(Copier.class, "lode.snapshot.mode=initial",
				"lode.snapshot.chunk-size=100", "lode.snapshot.parallelism=" + parallelism);
		await().atMost(Duration.ofSeconds(30)).until(() -> snapshotRows.get() >= 500);
		sql("update items set v = v + 1 where id in (1, 1500, 1999)", "delete from items where id = 1700",
				"update items set id = 3001 where id = 1800", "insert into items values (2700, 0, null)");
		first.close();
		assertThat(snapshotRows.get()).as("stopped in the middle").isLessThan(2000);
		sql("update items set v = v + 1 where id = 1600", "insert into items values (2500, 0, null)");

		listenerDelayMillis = 0;
		ConfigurableApplicationContext second = start(Copier.class, "lode.snapshot.mode=initial",
				"lode.snapshot.chunk-size=100", "lode.snapshot.parallelism=" + parallelism);
		Copier copier = second.getBean(Copier.class);
		await().atMost(Duration.ofSeconds(60)).until(() -> !copier.completed.isEmpty());
		assertThat(copier.resumed).as("the second start continued the initial snapshot").hasSize(1);
		assertPerfectCopy();
		assertThat(stale).isEmpty();
	}

	@Test
	void theInitialModeNeedsLodeToCreateTheSlot() {
		ReplicationSetupException setup = setupFailure(
				() -> start(Copier.class, "lode.snapshot.mode=initial", "lode.slot.create=false"));
		assertThat(setup.getMessage()).contains("lode.snapshot.mode=initial reads the tables when lode creates the slot");
		assertThat(setup.action()).contains("lode.slot.create=true");
	}

	@Test
	void theInitialModeWithAListenerOfEveryTableNeedsTheTablesNamed() {
		sql("drop table nokey"); // pgoutput's publication of every table would refuse it first
		ReplicationSetupException setup = setupFailure(() -> start(EveryTable.class, "lode.snapshot.mode=initial"));
		assertThat(setup.getMessage()).contains("a listener watches every table");
		assertThat(setup.action()).contains("lode.snapshot.tables");
		assertThat(this.pg.queryForString(this.db,
				"select count(*) from pg_replication_slots where slot_name = '" + this.slot + "'"))
			.as("no slot created").isEqualTo("0");
	}

	private static ReplicationSetupException setupFailure(Runnable start) {
		Throwable failure = org.assertj.core.api.Assertions.catchThrowable(start::run);
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof ReplicationSetupException setup) {
				return setup;
			}
		}
		throw new AssertionError("expected a ReplicationSetupException, got " + failure, failure);
	}

	private void assertPerfectCopy() throws Exception {
		sql("insert into items values (-1, 0, 'end')");
		await().atMost(Duration.ofSeconds(60)).until(() -> copy.containsKey(-1));
		Map<Integer, Map<String, Object>> table = new HashMap<>();
		try (Connection connection = this.pg.connect(this.db); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select id, v, big from items")) {
			while (rs.next()) {
				Map<String, Object> row = new HashMap<>();
				row.put("id", rs.getInt(1));
				row.put("v", rs.getInt(2));
				row.put("big", rs.getString(3));
				table.put(rs.getInt(1), row);
			}
		}
		java.util.Set<Integer> missing = new java.util.TreeSet<>(table.keySet());
		missing.removeAll(copy.keySet());
		java.util.Set<Integer> extra = new java.util.TreeSet<>(copy.keySet());
		extra.removeAll(table.keySet());
		assertThat(missing).as("rows missing from the copy").isEmpty();
		assertThat(extra).as("rows the table does not have").isEmpty();
		for (Map.Entry<Integer, Map<String, Object>> entry : table.entrySet()) {
			Map<String, Object> row = copy.get(entry.getKey());
			assertThat(row.get("v")).as("v of %s", entry.getKey()).isEqualTo(entry.getValue().get("v"));
			assertThat(Objects.equals(row.get("big"), entry.getValue().get("big")))
				.as("big of %s (%s)", entry.getKey(), row.containsKey("big") ? "differs" : "missing")
				.isTrue();
		}
	}

	/** Applies every change of items to the copy. */
	@Configuration(proxyBeanMethods = false)
	static class Copier {

		final List<String> started = new CopyOnWriteArrayList<>();

		final List<String> resumed = new CopyOnWriteArrayList<>();

		final List<String> completed = new CopyOnWriteArrayList<>();

		final List<Object> last = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "items")
		void apply(WalChange change) throws InterruptedException {
			CountDownLatch wait = gate;
			if (wait != null && change.kind() == ChangeKind.UPDATE && Integer.valueOf(1).equals(change.get("id"))
					&& Integer.valueOf(77).equals(change.get("v"))) {
				held.countDown();
				wait.await();
			}
			kinds.add(change.kind());
			if (change.kind() == ChangeKind.UPDATE || change.kind() == ChangeKind.DELETE) {
				Object oldId = change.oldValues().get("id");
				Object id = (oldId != null) ? oldId : change.get("id");
				if (!copy.containsKey(id)) {
					unknown.add(change.kind() + " " + id);
				}
			}
			switch (change.kind()) {
				case SNAPSHOT -> {
					Runnable mid = midSnapshot;
					if (snapshotRows.incrementAndGet() == 1000 && mid != null) {
						mid.run();
					}
					Integer id = (Integer) change.get("id");
					snapshotIds.add(id);
					Map<String, Object> current = copy.get(id);
					if (current != null && (Integer) current.get("v") > (Integer) change.get("v")) {
						stale.add(id + ": v " + change.get("v") + " after " + current.get("v"));
					}
					if (Objects.requireNonNull(change.snapshot()).last()) {
						this.last.add(id);
					}
					copy.put(id, new HashMap<>(change.values()));
					if (listenerDelayMillis > 0) {
						Thread.sleep(listenerDelayMillis);
					}
				}
				case INSERT -> copy.put((Integer) change.get("id"), new HashMap<>(change.values()));
				case UPDATE -> {
					Object oldId = change.oldValues().get("id");
					Map<String, Object> row = copy.remove((oldId != null) ? oldId : change.get("id"));
					Map<String, Object> merged = (row != null) ? row : new HashMap<>();
					merged.putAll(change.values());
					copy.put((Integer) change.get("id"), merged);
				}
				case DELETE -> copy.remove(change.oldValues().get("id"));
				case TRUNCATE -> copy.clear();
			}
		}

		@EventListener
		void started(WalSnapshotStartedEvent event) {
			(event.isResumed() ? this.resumed : this.started).add(event.getSnapshotId());
		}

		@EventListener
		void completed(WalSnapshotCompletedEvent event) {
			this.completed.add(event.getSnapshotId());
		}

	}

	/** Takes only the new rows of {@code items}: no SNAPSHOT rows. */
	@Configuration(proxyBeanMethods = false)
	static class InsertsOnly {

		@OnWalChange(table = "items", kind = ChangeKind.INSERT)
		void apply(WalChange change) {
		}

	}

	/** Watches a table without primary key (INSERT only: UPDATE and DELETE would need a replica identity). */
	@Configuration(proxyBeanMethods = false)
	static class AllTables {

		@OnWalChange(table = "nokey", kind = { ChangeKind.INSERT, ChangeKind.SNAPSHOT })
		void apply(WalChange change) {
		}

	}

	/** Watches every table. */
	@Configuration(proxyBeanMethods = false)
	static class EveryTable {

		@OnWalChange
		void apply(WalChange change) {
		}

	}

	/** Inserts, updates (values, keys, TOASTed values) and deletes rows at random. */
	final class Writer implements Runnable {

		final AtomicBoolean running = new AtomicBoolean(true);

		final AtomicInteger operations = new AtomicInteger();

		volatile Throwable failure;

		private final List<Integer> live = new ArrayList<>();

		private int next = 10_000;

		Writer(int rows) {
			for (int i = 1; i <= rows; i++) {
				this.live.add(i);
			}
		}

		@Override
		public void run() {
			Random random = new Random(7);
			try (Connection connection = SnapshotTests.this.pg.connect(SnapshotTests.this.db);
					Statement statement = connection.createStatement()) {
				while (this.running.get()) {
					int choice = random.nextInt(10);
					int index = random.nextInt(this.live.size());
					int id = this.live.get(index);
					if (choice < 2) {
						int fresh = this.next++;
						this.live.add(fresh);
						statement.execute("insert into items values (" + fresh + ", 0, "
								+ ((random.nextBoolean()) ? BIG : "null") + ")");
					}
					else if (choice < 6) {
						statement.execute("update items set v = v + 1 where id = " + id);
					}
					else if (choice < 7) {
						int fresh = this.next++;
						this.live.set(index, fresh);
						statement.execute("update items set id = " + fresh + ", v = v + 1 where id = " + id);
					}
					else if (choice < 8) {
						statement.execute("update items set big = " + BIG + ", v = v + 1 where id = " + id);
					}
					else {
						this.live.remove(index);
						statement.execute("delete from items where id = " + id);
					}
					this.operations.incrementAndGet();
					Thread.sleep(1);
				}
			}
			catch (Throwable ex) {
				this.failure = ex;
			}
		}

	}

}
