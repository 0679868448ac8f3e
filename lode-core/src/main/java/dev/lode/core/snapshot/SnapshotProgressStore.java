package dev.lode.core.snapshot;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where lode keeps the progress of its snapshots: the table {@value #TABLE}, created in the database's
 * current schema the first time a snapshot is asked for (never otherwise). One row per slot, snapshot and
 * table: the key after which the next chunk starts (written in the chunk's own transaction, together with its
 * closing watermark), the key the snapshot ends at, the rows delivered and the status. A table rather than the
 * WAL because a restart must find it without reading the stream back, and the slot's position may already be
 * past the last watermark.
 *
 * @since 0.2.0
 */
public final class SnapshotProgressStore {

	/** The table's name. */
	public static final String TABLE = "lode_snapshot_progress";

	static final String RUNNING = "running";

	static final String DONE = "done";

	private final String slot;

	/**
	 * @param slot the slot whose snapshots are kept
	 */
	public SnapshotProgressStore(String slot) {
		this.slot = slot;
	}

	/**
	 * Creates the table unless it exists.
	 * @param connection a plain connection in auto-commit mode
	 * @throws SQLException if it cannot be created
	 */
	void create(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("create table if not exists " + TABLE + " (slot text not null, snapshot_id text not null,"
					+ " table_schema text not null, table_name text not null, last_key text[], max_key text[],"
					+ " status text not null, rows bigint not null default 0, updated_at timestamptz not null default now(),"
					+ " primary key (slot, snapshot_id, table_schema, table_name))");
		}
	}

	/**
	 * @param connection a plain connection
	 * @return whether the table exists
	 * @throws SQLException if the catalog cannot be read
	 */
	boolean exists(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select to_regclass('" + TABLE + "') is not null")) {
			return rs.next() && rs.getBoolean(1);
		}
	}

	/** Records a table's snapshot as started. */
	void start(Connection connection, SnapshotTask task) throws SQLException {
		insert(connection, task, (task.maxKey() == null) ? DONE : RUNNING);
	}

	/** Records a table's initial snapshot as started, even when the table is empty now (it is read later). */
	void startInitial(Connection connection, SnapshotTask task) throws SQLException {
		insert(connection, task, RUNNING);
	}

	private void insert(Connection connection, SnapshotTask task, String status) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("insert into " + TABLE
				+ " (slot, snapshot_id, table_schema, table_name, last_key, max_key, status, rows)"
				+ " values (?, ?, ?, ?, null, ?, ?, 0)")) {
			statement.setString(1, this.slot);
			statement.setString(2, task.id());
			statement.setString(3, task.table().schema());
			statement.setString(4, task.table().table());
			statement.setArray(5, array(connection, task.maxKey()));
			statement.setString(6, status);
			statement.executeUpdate();
		}
	}

	/** Forgets every snapshot of the slot (before the slot is created: an earlier slot of the name is gone). */
	void forget(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("delete from " + TABLE + " where slot = ?")) {
			statement.setString(1, this.slot);
			statement.executeUpdate();
		}
	}

	/** Records where the chunk being read starts and the rows delivered before it (in the chunk's transaction). */
	void chunkStarts(Connection connection, SnapshotTask task) throws SQLException {
		chunkStarts(connection, task, task.lastKey(), task.rows());
	}

	/**
	 * Records where a restart continues the table's snapshot and the rows delivered and completed before that key
	 * (in a chunk's transaction).
	 */
	void chunkStarts(Connection connection, SnapshotTask task, @Nullable List<String> completedKey, long rows)
			throws SQLException {
		update(connection, task, completedKey, RUNNING, rows);
	}

	/** Records the table's snapshot as complete. */
	void done(Connection connection, SnapshotTask task) throws SQLException {
		done(connection, task, task.lastKey(), task.rows());
	}

	/** Records the table's snapshot as complete, ending after the key with so many rows. */
	void done(Connection connection, SnapshotTask task, @Nullable List<String> lastKey, long rows)
			throws SQLException {
		update(connection, task, lastKey, DONE, rows);
	}

	/** The UPDATE of a table's progress (its parameters: {@link #bindUpdate}). */
	static final String UPDATE = "update " + TABLE + " set last_key = ?, status = ?, rows = ?, updated_at = now()"
			+ " where slot = ? and snapshot_id = ? and table_schema = ? and table_name = ?";

	private void update(Connection connection, SnapshotTask task, @Nullable List<String> lastKey, String status,
			long rows) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(UPDATE)) {
			bindUpdate(statement, 1, task, lastKey, status, rows);
			statement.executeUpdate();
		}
	}

	/**
	 * Binds the parameters of {@link #UPDATE} from the given index on.
	 * @return the index after them
	 */
	int bindUpdate(PreparedStatement statement, int from, SnapshotTask task, @Nullable List<String> lastKey,
			String status, long rows) throws SQLException {
		statement.setArray(from, array(statement.getConnection(), lastKey));
		statement.setString(from + 1, status);
		statement.setLong(from + 2, rows);
		statement.setString(from + 3, this.slot);
		statement.setString(from + 4, task.id());
		statement.setString(from + 5, task.table().schema());
		statement.setString(from + 6, task.table().table());
		return from + 7;
	}

	/**
	 * @param connection a plain connection
	 * @return the snapshots of the slot that did not complete, in the order they started
	 * @throws SQLException if the table cannot be read
	 */
	List<Persisted> running(Connection connection) throws SQLException {
		return select(connection, "status = '" + RUNNING + "' order by updated_at");
	}

	/**
	 * @param connection a plain connection
	 * @param schema the table's schema
	 * @param table the table's name
	 * @return whether any snapshot of the table was started for the slot
	 * @throws SQLException if the table cannot be read
	 */
	boolean everStarted(Connection connection, String schema, String table) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"select 1 from " + TABLE + " where slot = ? and table_schema = ? and table_name = ?")) {
			statement.setString(1, this.slot);
			statement.setString(2, schema);
			statement.setString(3, table);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next();
			}
		}
	}

	private List<Persisted> select(Connection connection, String condition) throws SQLException {
		List<Persisted> result = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("select snapshot_id, table_schema,"
				+ " table_name, last_key, max_key, rows from " + TABLE + " where slot = ? and " + condition)) {
			statement.setString(1, this.slot);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					result.add(new Persisted(rs.getString(1), rs.getString(2), rs.getString(3), list(rs.getArray(4)),
							list(rs.getArray(5)), rs.getLong(6)));
				}
			}
		}
		return result;
	}

	private static @Nullable Array array(Connection connection, @Nullable List<String> key) throws SQLException {
		return (key != null) ? connection.createArrayOf("text", key.toArray()) : null;
	}

	private static @Nullable List<String> list(@Nullable Array array) throws SQLException {
		if (array == null) {
			return null;
		}
		return Arrays.asList((String[]) array.getArray());
	}

	/** A snapshot as the table keeps it. */
	record Persisted(String id, String schema, String table, @Nullable List<String> lastKey,
			@Nullable List<String> maxKey, long rows) {

	}

}
