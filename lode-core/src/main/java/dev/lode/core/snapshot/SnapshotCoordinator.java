package dev.lode.core.snapshot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * Runs on-demand snapshots while the stream goes on (the DBLog method). A reader thread reads one chunk of a table
 * in primary-key order ({@link ChunkReader}) on its own connection, while the replication thread goes on
 * streaming; the chunk's transaction ends with a watermark written into the WAL. Every change of the table the
 * stream delivers from the read's start until the watermark removes its key from the chunk (a TRUNCATE removes
 * all; the first UPDATE of a buffered row, at its old key or its new one, gets its unchanged TOASTed values from
 * it, so an UPDATE that left values out waits for the chunk being read); at the watermark the surviving rows are
 * delivered as {@link ChangeKind#SNAPSHOT} changes of the watermark's transaction, so the ledger acknowledges them
 * with it. The next chunks are read while those before travel (at most four chunks of a table read and not
 * completed), and each chunk's transaction records, as where a restart continues, the end of the chunks whose
 * transactions completed: a restart reads at most four chunks again. A chunk whose snapshot did not see a
 * transaction the stream had delivered before its read began is read again (WAL order is not visibility order).
 *
 * <p>{@link #handler()} is the {@link ChangeHandler} to give the replication loop; it passes everything on to
 * the handler this coordinator wraps.
 *
 * @since 0.2.0
 */
public final class SnapshotCoordinator {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotCoordinator.class);

	private static final long RETRY_NANOS = 1_000_000_000L;

	/**
	 * Chunks of a table read and not completed, at most: the next ones are read while those before travel through
	 * the WAL to their watermarks.
	 */
	private static final int AHEAD = 4;

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

	private final int parallelism;

	private final List<SnapshotListener> listeners = new CopyOnWriteArrayList<>();

	private final ConcurrentLinkedQueue<Requested> requested = new ConcurrentLinkedQueue<>();

	private final Map<String, SnapshotTask> running = new ConcurrentHashMap<>();

	private final Handler handler = new Handler();

	private final Initial initial = new Initial();

	// replication thread only, from here on

	private final ArrayDeque<SnapshotTask> queue = new ArrayDeque<>();

	private final RecentTransactions recent = new RecentTransactions(4096);

	private boolean loaded;

	/** Chunks read and buffered, in the order of their watermarks, each waiting for its watermark. */
	private final ArrayDeque<ChunkReader.Chunk> windows = new ArrayDeque<>();

	/** The chunks being read on reader threads: at most one per table, at most {@link #parallelism}. */
	private final List<Pending> pendings = new ArrayList<>();

	/** Chunks delivered whose transaction has not completed yet, in order. */
	private final ArrayDeque<Closing> closings = new ArrayDeque<>();

	/** Chunks delivered in the transaction being handled. */
	private final List<Closing> deliveredInTransaction = new ArrayList<>();

	private long retryAfter;

	/** Reads chunks while the replication thread goes on streaming (threads ended when idle). */
	private final ThreadPoolExecutor readerThreads;

	/** Connections to read chunks on that no read uses now. */
	private final ArrayDeque<ReusedConnection> idleReaders = new ArrayDeque<>();

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
		this(delegate, connector, slot, chunkSize, 1, startupTables, watched, initialTables);
	}

	/**
	 * @param delegate the handler changes and snapshot rows go to
	 * @param connector connects to the slot's database
	 * @param slot the slot (progress is kept per slot)
	 * @param chunkSize rows per chunk
	 * @param parallelism readers at once: the initial snapshot reads that many key ranges of a table at once, an
	 * on-demand snapshot that many tables
	 * @param startupTables tables to read once per slot when streaming starts
	 * @param watched the tables listeners watch (empty for all)
	 * @param initialTables the tables to read at the consistent point of a slot lode creates, or {@code null}
	 * @since 0.3.0
	 */
	public SnapshotCoordinator(ChangeHandler delegate, PgConnector connector, String slot, int chunkSize,
			int parallelism, List<String> startupTables, Supplier<List<WatchedTable>> watched,
			@Nullable Supplier<List<String>> initialTables) {
		if (parallelism < 1) {
			throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
		}
		this.parallelism = parallelism;
		this.initialTables = initialTables;
		this.delegate = delegate;
		this.connector = connector;
		this.connection = new ReusedConnection(connector, "snapshot");
		this.readerThreads = new ThreadPoolExecutor(parallelism, parallelism, 10, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "lode-snapshot-" + slot);
					thread.setDaemon(true);
					return thread;
				});
		this.readerThreads.allowCoreThreadTimeOut(true);
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
		this.loaded = true; // not before: a connection that fails (the server restarts) has it loaded again
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
			readFailed(ex);
		}
	}

	private void readFailed(SQLException ex) {
		logger.warn("Reading a snapshot chunk failed, trying again in a second: {}", ex.getMessage());
		closeConnection();
		this.retryAfter = System.nanoTime() + RETRY_NANOS;
	}

	private void step() throws SQLException {
		if (!this.loaded) {
			load();
		}
		Requested next;
		while ((next = this.requested.poll()) != null) {
			start(next.task(), next.resumed());
		}
		while (!this.closings.isEmpty()) {
			Closing first = this.closings.peekFirst();
			CompletableFuture<?> stage = first.stage;
			if (stage == null || !stage.isDone()) {
				break; // its listeners are still working
			}
			if (stage.isCompletedExceptionally()) {
				return; // a failure stops the stream
			}
			finishChunk(first.chunk); // a failure leaves it to be finished again
			this.closings.pollFirst();
		}
		for (Pending reading : List.copyOf(this.pendings)) {
			if (reading.future.isDone()) {
				install(reading);
			}
		}
		readAhead();
	}

	/** Starts reading the next chunks the limits allow. */
	private void readAhead() {
		for (SnapshotTask task : this.queue) {
			if (this.pendings.size() >= this.parallelism) {
				return;
			}
			if (!task.readEnded() && alive(task) < AHEAD) {
				submit(task);
			}
		}
	}

	/** @return the task's chunks read or being read and not completed */
	private int alive(SnapshotTask task) {
		int alive = 0;
		for (Pending reading : this.pendings) {
			alive += (reading.read.task() == task) ? AHEAD : 0; // one read at a time per table
		}
		for (ChunkReader.Chunk chunk : this.windows) {
			alive += (chunk.task == task) ? 1 : 0;
		}
		for (Closing closing : this.closings) {
			alive += (closing.chunk.task == task) ? 1 : 0;
		}
		return alive;
	}

	/**
	 * Reads the task's next chunk on the reader thread; the stream goes on meanwhile, and its changes of the table
	 * are noted ({@link Pending#touch}) until the chunk is buffered.
	 */
	private void submit(SnapshotTask task) {
		String watermark = task.id() + ":" + task.table().qualifiedName() + ":" + task.chunks() + ":"
				+ UUID.randomUUID();
		ChunkReader.Read read = new ChunkReader.Read(task, task.nextReadAfter(), watermark, task.lastKey(),
				task.rows());
		ReusedConnection c = this.idleReaders.isEmpty() ? new ReusedConnection(this.connector, "snapshot reader")
				: this.idleReaders.pop();
		Pending reading = new Pending(read, c, this.recent.mark());
		reading.future = this.readerThreads.submit(() -> {
			try {
				return this.reader.read(c.get(), read);
			}
			finally {
				reading.finished();
			}
		});
		this.pendings.add(reading);
	}

	/** Waits for a chunk being read, and buffers it (the stream reached a change that needs it). */
	private void awaitPending(Pending reading) {
		try {
			install(reading);
			readAhead(); // the next chunk is read while this one is delivered
		}
		catch (SQLException ex) {
			readFailed(ex);
		}
	}

	/**
	 * Buffers a chunk read on the reader thread: the keys the stream changed since its read began leave it, and it
	 * waits for its watermark; a chunk that did not see a transaction delivered before its read began is dropped
	 * (read again).
	 */
	private void install(Pending reading) throws SQLException {
		this.pendings.remove(reading);
		ChunkReader.Chunk chunk;
		try {
			chunk = reading.future.get();
			this.idleReaders.push(reading.connection);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLException("Interrupted while a snapshot chunk was read", ex);
		}
		catch (ExecutionException ex) {
			reading.connection.close();
			if (ex.getCause() instanceof SQLException failure) {
				throw failure;
			}
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw new SnapshotException("Reading a snapshot chunk failed: " + ex.getCause(), ex.getCause());
		}
		if (this.recent.anyMissedBy(chunk, reading.mark)) {
			logger.debug("Chunk {} did not see a transaction the stream already delivered; reading it again",
					chunk.watermark);
			return;
		}
		if (reading.truncated) {
			chunk.rows.clear();
		}
		else {
			reading.touched.forEach(chunk.rows::remove);
		}
		chunk.task.chunkRead(chunk.lastKey, chunk.last);
		this.windows.addLast(chunk);
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
		if (chunk.last) {
			// recorded first: when the write fails (the server restarts: a SQLException, or the connector's
			// exception for a connection it cannot open, which ends the stream), nothing has changed, and the chunk is
			// finished again, or read again after the reconnect; a task that left the queue unrecorded was never
			// read again nor completed (the failover fault mode's resync hung so)
			this.store.done(connection(), task, (chunk.lastKey != null) ? chunk.lastKey : task.lastKey(),
					task.rows() + chunk.delivered);
		}
		task.chunkDone(chunk.lastKey, chunk.delivered);
		this.listeners.forEach((listener) -> listener.chunkDelivered(task.progress(), chunk.delivered));
		if (chunk.last) {
			this.queue.remove(task);
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
		if (this.queue.isEmpty() && this.requested.isEmpty() && this.pendings.isEmpty()) {
			closeConnection(); // opened again by the next snapshot
		}
	}

	/** Delivers the chunk's surviving rows as changes of the watermark's transaction. */
	private void deliver(ChunkReader.Chunk chunk, TransactionInfo transaction, Lsn lsn) throws Exception {
		deliver(chunk, transaction, lsn, chunk.last);
	}

	/** Delivers the chunk's rows; the last one is marked the table's last when {@code tableLast}. */
	private void deliver(ChunkReader.Chunk chunk, TransactionInfo transaction, Lsn lsn, boolean tableLast)
			throws Exception {
		SnapshotTable table = chunk.task.table();
		int remaining = chunk.rows.size();
		SnapshotMarker marker = new SnapshotMarker(chunk.task.id(), table.qualifiedName(), false);
		for (Map<String, @Nullable Object> row : chunk.rows.values()) {
			remaining--;
			if (tableLast && remaining == 0) {
				marker = new SnapshotMarker(chunk.task.id(), table.qualifiedName(), true);
			}
			this.delegate.change(WalChange.snapshotRow(table.schema(), table.table(), row, table.columns(),
					transaction, lsn, table.keyColumns(), marker));
			chunk.delivered++;
		}
		chunk.rows.clear();
	}

	/** A streamed change inside a chunk's window: its keys leave the chunk. */
	private WalChange reconcile(ChunkReader.Chunk chunk, WalChange change) {
		SnapshotTable table = chunk.task.table();
		if (!table.isOf(change)) {
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
		this.idleReaders.forEach(ReusedConnection::close);
		this.idleReaders.clear();
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
				List<String> splits = KeyRanges.split(snapshot, task.table(), SnapshotCoordinator.this.parallelism);
				if (!splits.isEmpty()) {
					if (!new RangeRead(task, splits, consistentPoint).read(snapshot, stopping)) {
						closeConnection();
						return;
					}
					continue;
				}
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

	/**
	 * An initial snapshot's table read by several readers at once, one key range each ({@link KeyRanges}), every
	 * reader in a transaction that imported the slot's snapshot: the replication thread delivers their chunks as
	 * they come (in key order within a range), one stand-in transaction per chunk, and records as the table's
	 * progress the end of the completed chunks that follow each other from the table's first key (a restart goes on
	 * from there, as an on-demand snapshot).
	 */
	private final class RangeRead {

		private final SnapshotTask task;

		private final List<String> splits;

		private final Lsn consistentPoint;

		private final int ranges;

		/** Per range: the last key of its completed chunks, and whether its last chunk completed. */
		private final List<@Nullable List<String>> completed = new ArrayList<>();

		private final boolean[] done;

		RangeRead(SnapshotTask task, List<String> splits, Lsn consistentPoint) {
			this.task = task;
			this.splits = splits;
			this.consistentPoint = consistentPoint;
			this.ranges = splits.size() + 1;
			this.done = new boolean[this.ranges];
			for (int i = 0; i < this.ranges; i++) {
				this.completed.add(null);
			}
		}

		/** @return whether the table was read to its end (false: the application stops) */
		boolean read(Connection snapshot, BooleanSupplier stopping) throws Exception {
			String name;
			try (Statement statement = snapshot.createStatement();
					ResultSet rs = statement.executeQuery("select pg_export_snapshot()")) {
				rs.next();
				name = rs.getString(1);
			}
			List<Connection> connections = new ArrayList<>();
			connections.add(snapshot);
			BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(2 * this.ranges);
			AtomicBoolean stop = new AtomicBoolean();
			ExecutorService readers = Executors.newFixedThreadPool(this.ranges, (runnable) -> {
				Thread thread = new Thread(runnable, "lode-snapshot-" + this.task.table().table());
				thread.setDaemon(true);
				return thread;
			});
			try {
				for (int i = 1; i < this.ranges; i++) {
					Connection c = SnapshotCoordinator.this.connector.openPlain();
					connections.add(c);
					c.setAutoCommit(false);
					c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
					try (Statement statement = c.createStatement()) {
						statement.execute("set transaction snapshot '" + name + "'");
					}
				}
				logger.info("Initial snapshot {} of {} reads {} key ranges at once", this.task.id(),
						this.task.table().qualifiedName(), this.ranges);
				for (int i = 0; i < this.ranges; i++) {
					int range = i;
					Connection c = connections.get(i);
					readers.execute(() -> readRange(c, range, chunks, stop));
				}
				return deliver(chunks, stopping);
			}
			finally {
				stop.set(true);
				readers.shutdownNow();
				for (Connection c : connections.subList(1, connections.size())) {
					try {
						c.close();
					}
					catch (SQLException ex) {
						logger.debug("Closing a snapshot reader's connection failed", ex);
					}
				}
			}
		}

		private void readRange(Connection c, int range, BlockingQueue<Object> chunks, AtomicBoolean stop) {
			String low = (range > 0) ? this.splits.get(range - 1) : null;
			String high = (range < this.splits.size()) ? this.splits.get(range) : null;
			List<String> after = null;
			try {
				while (!stop.get()) {
					ChunkReader.Chunk chunk = SnapshotCoordinator.this.reader.select(c, this.task, after, low, high,
							"initial-" + range);
					while (!chunks.offer(new RangeChunk(range, chunk), 100, TimeUnit.MILLISECONDS)) {
						if (stop.get()) {
							return;
						}
					}
					if (chunk.last) {
						return;
					}
					after = chunk.lastKey;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (Exception ex) {
				chunks.offer(ex);
			}
		}

		private boolean deliver(BlockingQueue<Object> chunks, BooleanSupplier stopping) throws Exception {
			int ended = 0;
			while (ended < this.ranges) {
				if (stopping.getAsBoolean()) {
					logger.info("Initial snapshot {} of {} stops after {} rows; the next start continues it",
							this.task.id(), this.task.table().qualifiedName(), this.task.rows());
					return false;
				}
				Object next = chunks.poll(100, TimeUnit.MILLISECONDS);
				if (next instanceof Exception failure) {
					throw failure;
				}
				if (!(next instanceof RangeChunk read)) {
					continue;
				}
				int range = read.range();
				ChunkReader.Chunk chunk = read.chunk();
				TransactionInfo transaction = new TransactionInfo(0, this.consistentPoint, OffsetDateTime.now());
				SnapshotCoordinator.this.delegate.begin(transaction);
				SnapshotCoordinator.this.deliver(chunk, transaction, this.consistentPoint,
						chunk.last && ended == this.ranges - 1);
				SnapshotCoordinator.this.delegate.commitAsync(transaction).toCompletableFuture().get();
				if (chunk.lastKey != null) {
					this.completed.set(range, chunk.lastKey);
				}
				if (chunk.last) {
					this.done[range] = true;
					ended++;
				}
				this.task.progressTo(prefix(), chunk.delivered);
				SnapshotCoordinator.this.listeners
					.forEach((listener) -> listener.chunkDelivered(this.task.progress(), chunk.delivered));
				if (ended < this.ranges) {
					SnapshotCoordinator.this.store.chunkStarts(connection(), this.task);
				}
			}
			SnapshotCoordinator.this.store.done(connection(), this.task);
			complete(this.task);
			return true;
		}

		/** @return the end of the completed chunks that follow each other from the table's first key */
		private @Nullable List<String> prefix() {
			List<String> key = null;
			for (int i = 0; i < this.ranges; i++) {
				if (this.completed.get(i) != null) {
					key = this.completed.get(i);
				}
				if (!this.done[i]) {
					break;
				}
			}
			return key;
		}

	}

	private record RangeChunk(int range, ChunkReader.Chunk chunk) {

	}

	private record Requested(SnapshotTask task, boolean resumed) {

	}

	/** A chunk delivered at its watermark, and the completion of the transaction that carried it. */
	private static final class Closing {

		final ChunkReader.Chunk chunk;

		@Nullable CompletableFuture<?> stage;

		Closing(ChunkReader.Chunk chunk) {
			this.chunk = chunk;
		}

	}

	/** A chunk being read on the reader thread, and what the stream changed in its table meanwhile. */
	private static final class Pending {

		final ChunkReader.Read read;

		final ReusedConnection connection;

		/** Set right after the read is submitted, on the replication thread. */
		@SuppressWarnings("NotNullFieldNotInitialized")
		Future<ChunkReader.Chunk> future;

		/** The {@link RecentTransactions#mark()} when the read began. */
		final long mark;

		final Set<RowKey> touched = new HashSet<>();

		boolean truncated;

		private boolean finished;

		private boolean abandoned;

		Pending(ChunkReader.Read read, ReusedConnection connection, long mark) {
			this.read = read;
			this.connection = connection;
			this.mark = mark;
		}

		/** The read ended (reader thread): an abandoned read's connection is closed. */
		synchronized void finished() {
			this.finished = true;
			if (this.abandoned) {
				this.connection.close();
			}
		}

		/** Its result is not wanted: the connection is closed once the read ended. */
		synchronized void abandon() {
			this.abandoned = true;
			if (this.finished) {
				this.connection.close();
			}
		}

		/** A change of the table arrived while the chunk is read: its keys leave the chunk once it is there. */
		void touch(WalChange change) {
			SnapshotTable table = this.read.task().table();
			switch (change.kind()) {
				case TRUNCATE -> this.truncated = true;
				case INSERT -> add(table.keyOf(change.values()));
				case DELETE -> add(table.keyOf(change.oldValues()));
				case UPDATE -> {
					add(table.keyOf(change.values()));
					if (!change.oldValues().isEmpty()) {
						add(table.keyOf(change.oldValues()));
					}
				}
				default -> {
				}
			}
		}

		private void add(@Nullable RowKey key) {
			if (key != null) {
				this.touched.add(key);
			}
		}

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
			// every streamed change passes here: nothing is allocated while no snapshot is read
			List<Pending> pendings = SnapshotCoordinator.this.pendings;
			for (Pending reading : pendings.isEmpty() ? List.<Pending>of() : List.copyOf(pendings)) {
				if (reading.read.task().table().isOf(change)) {
					if (change.kind() == ChangeKind.UPDATE && !change.unchangedColumns().isEmpty()) {
						// the chunk being read may hold what this UPDATE did not send: wait for it
						awaitPending(reading);
					}
					else {
						reading.touch(change);
					}
				}
			}
			WalChange reconciled = change;
			if (!SnapshotCoordinator.this.windows.isEmpty()) {
				for (ChunkReader.Chunk chunk : SnapshotCoordinator.this.windows) {
					reconciled = reconcile(chunk, reconciled);
				}
			}
			SnapshotCoordinator.this.delegate.change(reconciled);
		}

		@Override
		public void message(TransactionInfo transaction, Lsn lsn, String prefix, String content) throws Exception {
			if (ChunkReader.PREFIX.equals(prefix)) {
				for (Pending reading : List.copyOf(SnapshotCoordinator.this.pendings)) {
					if (reading.read.watermark().equals(content)) {
						awaitPending(reading); // its read committed, its chunk is on the way
					}
				}
				for (ChunkReader.Chunk chunk : SnapshotCoordinator.this.windows) {
					if (chunk.watermark.equals(content)) {
						deliver(chunk, transaction, lsn);
						SnapshotCoordinator.this.windows.remove(chunk);
						Closing closing = new Closing(chunk);
						SnapshotCoordinator.this.closings.addLast(closing);
						SnapshotCoordinator.this.deliveredInTransaction.add(closing);
						break;
					}
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
			List<Closing> delivered = SnapshotCoordinator.this.deliveredInTransaction;
			if (!delivered.isEmpty()) {
				CompletableFuture<?> completion = stage.toCompletableFuture();
				delivered.forEach((closing) -> closing.stage = completion);
				delivered.clear();
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
			// the stream starts again before these chunks' watermarks: they are read again
			SnapshotCoordinator.this.windows.clear();
			SnapshotCoordinator.this.closings.clear();
			SnapshotCoordinator.this.deliveredInTransaction.clear();
			// their results, when they come, are dropped
			SnapshotCoordinator.this.pendings.forEach(Pending::abandon);
			SnapshotCoordinator.this.pendings.clear();
			SnapshotCoordinator.this.queue.forEach(SnapshotTask::readsDiscarded);
			SnapshotCoordinator.this.delegate.discardPending();
		}

	}

}
