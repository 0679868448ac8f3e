package dev.lode.core.snapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.SnapshotMarker;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.WatchedTable;
import dev.lode.core.replication.ChangeHandler;
import dev.lode.core.replication.InitialSnapshot;
import dev.lode.core.replication.PgConnector;
import dev.lode.core.replication.ReusedConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on-demand snapshots while the stream goes on (the DBLog method). Between two transactions of the stream,
 * the replication thread reads one chunk of a table in primary-key order ({@link ChunkReader}); the chunk's
 * transaction ends with a watermark written into the WAL. From the reader's position at that moment until the
 * watermark arrives in the stream, every change of the table removes its key from the buffered chunk (a
 * TRUNCATE removes all; the first UPDATE of a buffered row, at its old key or its new one, gets its unchanged
 * TOASTed values from it); at the
 * watermark the surviving rows are delivered as {@link ChangeKind#SNAPSHOT} changes of the watermark's
 * transaction, so the ledger acknowledges them with it. The next chunk is read only after that transaction
 * completed, and the progress table records each chunk's start in the chunk's own transaction: a restart reads
 * at most one chunk again. A chunk whose snapshot did not see a transaction the stream had already delivered is
 * read again (WAL order is not visibility order).
 *
 * <p>{@link #handler()} is the {@link ChangeHandler} to give the replication loop; it passes everything on to
 * the handler this coordinator wraps.
 *
 * @since 0.2.0
 */
public final class SnapshotCoordinator {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotCoordinator.class);

	private static final long RETRY_NANOS = 1_000_000_000L;

	/** The id prefix of initial snapshots. */
	static final String INITIAL = "initial-";

	/** The id prefix of the snapshots that re-read the watched tables after a gap in the stream. */
	public static final String RESYNC = "resync-";

	private final ChangeHandler delegate;

	private final PgConnector connector;

	/** The connection chunks are read and progress is written on (replication thread only). */
	private final ReusedConnection connection;

	private final SnapshotProgressStore store;

	private final ChunkReader reader;

	private final Supplier<List<WatchedTable>> watched;

	private final List<String> startupTables;

	private final @Nullable Supplier<List<String>> initialTables;

	private final List<SnapshotListener> listeners = new CopyOnWriteArrayList<>();

	private final ConcurrentLinkedQueue<Requested> requested = new ConcurrentLinkedQueue<>();

	private final Map<String, SnapshotTask> running = new ConcurrentHashMap<>();

	private final Handler handler = new Handler();

	private final Initial initial = new Initial();

	// replication thread only, from here on

	private final ArrayDeque<SnapshotTask> queue = new ArrayDeque<>();

	private final RecentTransactions recent = new RecentTransactions(4096);

	private boolean loaded;

	private ChunkReader.@Nullable Chunk window;

	private ChunkReader.@Nullable Chunk closing;

	private boolean closingInTransaction;

	private @Nullable CompletableFuture<?> closingStage;

	private long retryAfter;

	/**
	 * @param delegate the handler changes and snapshot rows go to
	 * @param connector connects to the slot's database
	 * @param slot the slot (progress is kept per slot)
	 * @param chunkSize rows per chunk
	 * @param startupTables tables to read once per slot when streaming starts (a table already read, or being
	 * read, is not read again)
	 * @param watched the tables listeners watch (empty for all)
	 */
	public SnapshotCoordinator(ChangeHandler delegate, PgConnector connector, String slot, int chunkSize,
			List<String> startupTables, Supplier<List<WatchedTable>> watched) {
		this(delegate, connector, slot, chunkSize, startupTables, watched, null);
	}

	/**
	 * @param delegate the handler changes and snapshot rows go to
	 * @param connector connects to the slot's database
	 * @param slot the slot (progress is kept per slot)
	 * @param chunkSize rows per chunk
	 * @param startupTables tables to read once per slot when streaming starts (a table already read, or being
	 * read, is not read again)
	 * @param watched the tables listeners watch (empty for all)
	 * @param initialTables the tables to read at the consistent point of a slot lode creates
	 * ({@code lode.snapshot.mode=initial}; asked when the slot is about to be created), or {@code null} for no
	 * initial snapshot
	 */
	public SnapshotCoordinator(ChangeHandler delegate, PgConnector connector, String slot, int chunkSize,
			List<String> startupTables, Supplier<List<WatchedTable>> watched,
			@Nullable Supplier<List<String>> initialTables) {
		this.initialTables = initialTables;
		this.delegate = delegate;
		this.connector = connector;
		this.connection = new ReusedConnection(connector, "snapshot");
		this.store = new SnapshotProgressStore(slot);
		this.reader = new ChunkReader(this.store, chunkSize);
		this.startupTables = List.copyOf(startupTables);
		this.watched = watched;
	}

	/** @return the handler to stream into */
	public ChangeHandler handler() {
		return this.handler;
	}

	/** @return the handler this coordinator passes everything on to */
	public ChangeHandler delegate() {
		return this.delegate;
	}

	/**
	 * @param handler a handler
	 * @return the handler a coordinator's {@link #handler()} wraps, or the handler itself
	 */
	public static ChangeHandler unwrap(ChangeHandler handler) {
		return (handler instanceof Handler wrapping) ? wrapping.delegate() : handler;
	}

	/**
	 * @param handler a handler
	 * @return the coordinator whose {@link #handler()} it is, or {@code null}
	 */
	public static @Nullable SnapshotCoordinator of(ChangeHandler handler) {
		return (handler instanceof Handler wrapping) ? wrapping.coordinator() : null;
	}

	/** @param listener hears about snapshots from now on */
	public void addListener(SnapshotListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Starts a snapshot of the tables: checks them (each must exist, have a primary key and be watched by a
	 * listener), records it in the progress table (created if needed) and returns; the rows then arrive while
	 * the stream goes on, chunk by chunk.
	 * @param tables the tables, {@code table} or {@code schema.table}
	 * @return the snapshot's id
	 * @throws SnapshotException when a table cannot be read so (the message names the fix)
	 */
	public String snapshot(List<String> tables) {
		try (Connection c = this.connector.openPlain()) {
			return record(c, UUID.randomUUID().toString(), tables, true);
		}
		catch (SQLException ex) {
			throw new SnapshotException("Could not start a snapshot of " + tables + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Checks the tables, records their snapshot in the progress table and asks the replication thread for it.
	 * @param named whether the tables were named (each must have a listener of SNAPSHOT rows), or derived from the
	 * listeners (a table none of them takes SNAPSHOT rows of is left out)
	 */
	private String record(Connection c, String id, List<String> tables, boolean named) throws SQLException {
		List<SnapshotTask> tasks = new ArrayList<>();
		for (String name : tables) {
			SnapshotTable table = SnapshotTable.read(c, name);
			if (!named && !receivesSnapshotRows(table)) {
				logger.debug("{} is not read again: no listener takes its SNAPSHOT rows", table.qualifiedName());
				continue;
			}
			checkWatched(table);
			tasks.add(new SnapshotTask(id, table, null, ChunkReader.maxKey(c, table), 0));
		}
		this.store.create(c);
		for (SnapshotTask task : tasks) {
			this.store.start(c, task);
		}
		tasks.forEach((task) -> this.requested.add(new Requested(task, false)));
		logger.info("Snapshot {} of {} requested", id, tables);
		return id;
	}

	/**
	 * Records a snapshot of every watched table (every table with a primary key when listeners watch all tables)
	 * that a listener takes SNAPSHOT rows of, after a gap in the stream; its id starts with {@value #RESYNC}.
	 * @param plain a plain connection in auto-commit mode
	 * @return the snapshot's id
	 * @throws SQLException when it cannot be recorded
	 * @throws SnapshotException when a watched table cannot be read so (no primary key)
	 */
	String resync(Connection plain) throws SQLException {
		List<WatchedTable> tables = this.watched.get();
		List<String> names = new ArrayList<>();
		if (tables.isEmpty() || tables.stream().anyMatch(WatchedTable::isAllTables)) {
			names.addAll(SnapshotTable.allWithPrimaryKey(plain));
		}
		else {
			for (WatchedTable w : tables) {
				String name = (w.schema() != null) ? w.schema() + "." + w.table() : w.table();
				if (name != null && !names.contains(name)) {
					names.add(name);
				}
			}
		}
		return record(plain, RESYNC + UUID.randomUUID(), names, false);
	}

	/** @return the tables being read, with their progress */
	public List<SnapshotProgress> running() {
		return this.running.values().stream().map(SnapshotTask::progress).toList();
	}

	private void checkWatched(SnapshotTable table) {
		List<WatchedTable> tables = this.watched.get();
		if (tables.isEmpty()) {
			return;
		}
		List<WatchedTable> ofTable = tables.stream().filter((w) -> watches(w, table)).toList();
		if (ofTable.stream().anyMatch((w) -> w.kinds().contains(ChangeKind.SNAPSHOT))) {
			return;
		}
		if (ofTable.isEmpty()) {
			throw new SnapshotException("No listener watches " + table.qualifiedName() + ": a snapshot delivers its"
					+ " rows to the table's @OnWalChange listeners, and reconciles them with the table's streamed"
					+ " changes. Add a listener of the table (with kind SNAPSHOT or no kind)");
		}
		Set<ChangeKind> kinds = EnumSet.noneOf(ChangeKind.class);
		ofTable.forEach((w) -> kinds.addAll(w.kinds()));
		throw new SnapshotException("No listener of " + table.qualifiedName() + " receives SNAPSHOT rows (its"
				+ " listeners take " + kinds + "): a snapshot would read every row for nobody. Add ChangeKind.SNAPSHOT"
				+ " to the kinds of the listener that keeps the table's copy, e.g."
				+ " @OnWalChange(table = \"" + table.table() + "\", kind = { ChangeKind.INSERT, ChangeKind.SNAPSHOT })");
	}

	/**
	 * @param table a table
	 * @return whether some listener receives the table's SNAPSHOT rows (always when no listener names a table)
	 */
	private boolean receivesSnapshotRows(SnapshotTable table) {
		List<WatchedTable> tables = this.watched.get();
		return tables.isEmpty() || tables.stream()
			.anyMatch((w) -> watches(w, table) && w.kinds().contains(ChangeKind.SNAPSHOT));
	}

	private static boolean watches(WatchedTable w, SnapshotTable table) {
		return w.isAllTables()
				|| (table.table().equals(w.table()) && (w.schema() == null || table.schema().equals(w.schema())));
	}

	/** Loads unfinished snapshots and asks for the startup tables not read yet; once per coordinator. */
	private void load() throws SQLException {
		this.loaded = true;
		Connection c = connection();
		if (this.store.exists(c)) {
			for (SnapshotProgressStore.Persisted persisted : this.store.running(c)) {
				if (this.requested.stream()
					.anyMatch((r) -> r.task().id().equals(persisted.id())
							&& r.task().table().schema().equals(persisted.schema())
							&& r.task().table().table().equals(persisted.table()))) {
					continue; // recorded by this process before the stream started (a resync after a gap)
				}
				try {
					SnapshotTable table = SnapshotTable.read(c, persisted.schema() + "." + persisted.table());
					// an initial snapshot that stopped goes on chunk by chunk; its end is today's greatest key
					// (what it recorded before the slot existed may be older than the consistent point)
					List<String> maxKey = persisted.id().startsWith(INITIAL) ? ChunkReader.maxKey(c, table)
							: persisted.maxKey();
					this.requested.add(new Requested(new SnapshotTask(persisted.id(), table, persisted.lastKey(),
							maxKey, persisted.rows()), true));
				}
				catch (SnapshotException ex) {
					logger.warn("Snapshot {} of {}.{} cannot continue: {}", persisted.id(), persisted.schema(),
							persisted.table(), ex.getMessage());
				}
			}
		}
		List<String> wanted = new ArrayList<>();
		for (String name : this.startupTables) {
			SnapshotTable table = SnapshotTable.read(c, name);
			if (!this.store.exists(c) || !this.store.everStarted(c, table.schema(), table.table())) {
				wanted.add(name);
			}
		}
		if (!wanted.isEmpty()) {
			snapshot(wanted);
		}
		if (this.requested.isEmpty()) {
			closeConnection();
		}
	}

	private void betweenTransactions() throws Exception {
		if (System.nanoTime() - this.retryAfter < 0) {
			return;
		}
		try {
			step();
		}
		catch (SQLException ex) {
			logger.warn("Reading a snapshot chunk failed, trying again in a second: {}", ex.getMessage());
			closeConnection();
			this.retryAfter = System.nanoTime() + RETRY_NANOS;
		}
	}

	private void step() throws SQLException {
		if (!this.loaded) {
			load();
		}
		Requested next;
		while ((next = this.requested.poll()) != null) {
			start(next.task(), next.resumed());
		}
		ChunkReader.Chunk closed = this.closing;
		if (closed != null) {
			CompletableFuture<?> stage = this.closingStage;
			if (stage == null || !stage.isDone() || stage.isCompletedExceptionally()) {
				return; // its listeners are still working (a failure stops the stream)
			}
			this.closing = null;
			this.closingStage = null;
			finishChunk(closed);
		}
		SnapshotTask task = this.queue.peekFirst();
		if (this.window != null || task == null) {
			return;
		}
		String watermark = task.id() + ":" + task.table().qualifiedName() + ":" + task.chunks() + ":"
				+ UUID.randomUUID();
		ChunkReader.Chunk chunk = this.reader.read(connection(), task, watermark);
		if (this.recent.anyMissedBy(chunk)) {
			logger.debug("Chunk {} did not see a transaction the stream already delivered; reading it again",
					watermark);
			return;
		}
		this.window = chunk;
	}

	private void start(SnapshotTask task, boolean resumed) throws SQLException {
		announce(task, resumed);
		if (task.maxKey() == null) {
			complete(task);
			return;
		}
		this.queue.addLast(task);
	}

	/** The task runs from now on: in {@link #running()}, to the listeners, in the log. */
	private void announce(SnapshotTask task, boolean resumed) {
		this.running.put(runningKey(task), task);
		this.listeners.forEach((listener) -> listener.started(task.progress(), resumed));
		logger.info("Snapshot {} of {} {} ({})", task.id(), task.table().qualifiedName(),
				resumed ? "resumes after " + task.rows() + " rows" : "starts", about(task.table().estimatedRows()));
	}

	private static String runningKey(SnapshotTask task) {
		return task.id() + "/" + task.table().qualifiedName();
	}

	private void finishChunk(ChunkReader.Chunk chunk) throws SQLException {
		SnapshotTask task = chunk.task;
		task.chunkDone(chunk.lastKey, chunk.delivered);
		this.listeners.forEach((listener) -> listener.chunkDelivered(task.progress(), chunk.delivered));
		if (chunk.last) {
			this.queue.remove(task);
			this.store.done(connection(), task);
			complete(task);
		}
		else if (task.logDue()) {
			SnapshotProgress p = task.progress();
			String eta = (p.rowsPerSecond() > 0 && p.estimatedRows() >= 0)
					? (long) (p.remainingRows() / p.rowsPerSecond()) + " s" : "unknown";
			logger.info("Snapshot {} of {}: {} rows ({}; {} rows/s, ETA {})", task.id(), p.table(), p.rows(),
					about(p.estimatedRows()), (long) p.rowsPerSecond(), eta);
		}
	}

	/** The estimate for a log line: PostgreSQL has none for a table never analyzed (reltuples -1). */
	private static String about(long estimatedRows) {
		return (estimatedRows >= 0) ? "about " + estimatedRows + " rows in the table"
				: "size unknown: the table was never analyzed";
	}

	private void complete(SnapshotTask task) {
		this.running.remove(runningKey(task));
		SnapshotProgress p = task.progress();
		logger.info("Snapshot {} of {} complete: {} rows ({} rows/s)", task.id(), p.table(), p.rows(),
				(long) p.rowsPerSecond());
		this.listeners.forEach((listener) -> listener.completed(p));
		if (this.queue.isEmpty() && this.requested.isEmpty()) {
			closeConnection(); // opened again by the next snapshot
		}
	}

	/** Delivers the chunk's surviving rows as changes of the watermark's transaction. */
	private void deliver(ChunkReader.Chunk chunk, TransactionInfo transaction, Lsn lsn) throws Exception {
		SnapshotTable table = chunk.task.table();
		int remaining = chunk.rows.size();
		for (Map<String, @Nullable Object> row : chunk.rows.values()) {
			remaining--;
			SnapshotMarker marker = new SnapshotMarker(chunk.task.id(), table.qualifiedName(),
					chunk.last && remaining == 0);
			this.delegate.change(WalChange.snapshotRow(table.schema(), table.table(), row, table.columns(),
					transaction, lsn, table.keyColumns(), marker));
			chunk.delivered++;
		}
		chunk.rows.clear();
	}

	/** A streamed change inside a chunk's window: its keys leave the chunk. */
	private WalChange reconcile(ChunkReader.Chunk chunk, WalChange change) {
		SnapshotTable table = chunk.task.table();
		if (!change.table().equals(table.table()) || !change.schema().equals(table.schema())) {
			return change;
		}
		switch (change.kind()) {
			case TRUNCATE -> chunk.rows.clear();
			case INSERT -> remove(chunk, table.keyOf(change.values()));
			case DELETE -> remove(chunk, table.keyOf(change.oldValues()));
			case UPDATE -> {
				RowKey now = table.keyOf(change.values());
				RowKey before = change.oldValues().isEmpty() ? now : table.keyOf(change.oldValues());
				Map<String, @Nullable Object> row = remove(chunk, before);
				Map<String, @Nullable Object> atNewKey = remove(chunk, now);
				if (row == null) {
					// the chunk was read after this UPDATE moved the row (the stream is behind the chunk's
					// snapshot): the row at its new key holds what the UPDATE did not send, and the chunk no
					// longer delivers it; a later change of it in the window follows this one
					row = atNewKey;
				}
				if (row != null) {
					// the first change of a buffered row: the chunk holds the values it did not send
					return change.withUnchangedFrom(row);
				}
			}
			default -> {
			}
		}
		return change;
	}

	private static @Nullable Map<String, @Nullable Object> remove(ChunkReader.Chunk chunk, @Nullable RowKey key) {
		return (key != null) ? chunk.rows.remove(key) : null;
	}

	private Connection connection() throws SQLException {
		return this.connection.get();
	}

	private void closeConnection() {
		this.connection.close();
	}

	/**
	 * The initial snapshot: recorded before the slot exists (one task per table, all progress of an earlier slot
	 * of the name dropped), then read in the slot's exported snapshot chunk by chunk in key order; each chunk's
	 * rows are delivered as one transaction and its progress recorded once its listeners completed. A process
	 * that stops in the middle continues on its next start from the last recorded key, as an on-demand
	 * (watermarked) snapshot, since the stream has moved on by then.
	 */
	private final class Initial implements InitialSnapshot {

		private List<SnapshotTask> tasks = List.of();

		@Override
		public void beforeSlotCreation(Connection plain) throws SQLException {
			Supplier<List<String>> tables = SnapshotCoordinator.this.initialTables;
			List<String> names = (tables != null) ? tables.get() : List.of();
			String id = INITIAL + UUID.randomUUID();
			List<SnapshotTask> created = new ArrayList<>();
			for (String name : names) {
				SnapshotTable table = SnapshotTable.read(plain, name);
				checkWatched(table);
				created.add(new SnapshotTask(id, table, null, ChunkReader.maxKey(plain, table), 0));
			}
			SnapshotProgressStore store = SnapshotCoordinator.this.store;
			store.create(plain);
			store.forget(plain); // a slot of this name that was dropped: its snapshots' positions mean nothing now
			for (SnapshotTask task : created) {
				store.startInitial(plain, task);
			}
			this.tasks = created;
			logger.info("Initial snapshot {} of {} recorded; it is read at the slot's consistent point", id, names);
		}

		@Override
		public void read(Connection snapshot, Lsn consistentPoint, BooleanSupplier stopping) throws Exception {
			for (SnapshotTask task : this.tasks) {
				// read here, before streaming, whatever the table held when the snapshot was recorded
				announce(task, false);
				boolean last = false;
				while (!last) {
					if (stopping.getAsBoolean()) {
						logger.info("Initial snapshot {} of {} stops after {} rows; the next start continues it",
								task.id(), task.table().qualifiedName(), task.rows());
						closeConnection();
						return;
					}
					ChunkReader.Chunk chunk = SnapshotCoordinator.this.reader.select(snapshot, task, "initial");
					// a stand-in transaction: xid 0, committed at the consistent point
					TransactionInfo transaction = new TransactionInfo(0, consistentPoint, OffsetDateTime.now());
					SnapshotCoordinator.this.delegate.begin(transaction);
					deliver(chunk, transaction, consistentPoint);
					// listeners of the chunk complete before its progress is recorded: a restart reads it again
					SnapshotCoordinator.this.delegate.commitAsync(transaction).toCompletableFuture().get();
					last = chunk.last;
					finishChunk(chunk);
					if (!last) {
						SnapshotCoordinator.this.store.chunkStarts(connection(), task);
					}
				}
			}
			this.tasks = List.of();
			closeConnection();
		}

	}

	private record Requested(SnapshotTask task, boolean resumed) {

	}

	/** The handler the loop streams into. */
	private final class Handler implements ChangeHandler {

		ChangeHandler delegate() {
			return SnapshotCoordinator.this.delegate;
		}

		SnapshotCoordinator coordinator() {
			return SnapshotCoordinator.this;
		}

		@Override
		public void begin(TransactionInfo transaction) throws Exception {
			SnapshotCoordinator.this.recent.add(transaction.xid());
			SnapshotCoordinator.this.delegate.begin(transaction);
		}

		@Override
		public void change(WalChange change) throws Exception {
			if (change.table().equals(SnapshotProgressStore.TABLE)) {
				return; // lode's own bookkeeping (a publication of all tables carries it)
			}
			ChunkReader.Chunk chunk = SnapshotCoordinator.this.window;
			SnapshotCoordinator.this.delegate.change((chunk != null) ? reconcile(chunk, change) : change);
		}

		@Override
		public void message(TransactionInfo transaction, Lsn lsn, String prefix, String content) throws Exception {
			ChunkReader.Chunk chunk = SnapshotCoordinator.this.window;
			if (ChunkReader.PREFIX.equals(prefix)) {
				if (chunk != null && chunk.watermark.equals(content)) {
					deliver(chunk, transaction, lsn);
					SnapshotCoordinator.this.window = null;
					SnapshotCoordinator.this.closing = chunk;
					SnapshotCoordinator.this.closingInTransaction = true;
				}
				return;
			}
			SnapshotCoordinator.this.delegate.message(transaction, lsn, prefix, content);
		}

		@Override
		public void commit(TransactionInfo transaction) throws Exception {
			commitAsync(transaction).toCompletableFuture().get();
		}

		@Override
		public CompletionStage<?> commitAsync(TransactionInfo transaction) throws Exception {
			CompletionStage<?> stage = SnapshotCoordinator.this.delegate.commitAsync(transaction);
			if (SnapshotCoordinator.this.closingInTransaction) {
				SnapshotCoordinator.this.closingInTransaction = false;
				SnapshotCoordinator.this.closingStage = stage.toCompletableFuture();
			}
			return stage;
		}

		@Override
		public void betweenTransactions() throws Exception {
			SnapshotCoordinator.this.betweenTransactions();
			SnapshotCoordinator.this.delegate.betweenTransactions();
		}

		@Override
		public @Nullable String resyncAfterGap(Connection plain) throws Exception {
			return resync(plain);
		}

		@Override
		public @Nullable InitialSnapshot initialSnapshot() {
			return (SnapshotCoordinator.this.initialTables != null) ? SnapshotCoordinator.this.initial : null;
		}

		@Override
		public void discardPending() {
			SnapshotCoordinator.this.window = null;
			SnapshotCoordinator.this.closing = null;
			SnapshotCoordinator.this.closingStage = null;
			SnapshotCoordinator.this.closingInTransaction = false;
			SnapshotCoordinator.this.delegate.discardPending();
		}

	}

}
