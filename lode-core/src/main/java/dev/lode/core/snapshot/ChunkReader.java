package dev.lode.core.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.WeakHashMap;

import dev.lode.core.decode.ColumnText;
import org.jspecify.annotations.Nullable;

/**
 * Reads one chunk of a table in primary-key order, in a REPEATABLE READ transaction that also records the
 * chunk's start in the progress table, takes the transaction's snapshot ({@code txid_current_snapshot()}),
 * writes the closing watermark into the WAL ({@code pg_logical_emit_message(true, 'lode_snapshot', ...)}) and
 * commits. Only ACCESS SHARE locks are taken (a plain SELECT).
 *
 * @since 0.2.0
 */
final class ChunkReader {

	/** The prefix of lode's watermark messages. */
	static final String PREFIX = "lode_snapshot";

	private final SnapshotProgressStore store;

	private final int chunkSize;

	/** The connections set up for chunk reads (auto-commit off, REPEATABLE READ). */
	private final Set<Connection> configured = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	ChunkReader(SnapshotProgressStore store, int chunkSize) {
		this.store = store;
		this.chunkSize = chunkSize;
	}

	/**
	 * Reads a chunk in three round trips: the SELECT (the transaction begins with it), one statement that takes the
	 * transaction's snapshot, records the table's progress and writes the watermark, and the commit.
	 * @param connection a plain connection that only chunk reads use: left in a REPEATABLE READ transaction mode
	 * @param read the table, where the chunk starts and what its transaction records as the table's progress
	 * @return the chunk
	 * @throws SQLException if reading failed (nothing was committed then)
	 */
	Chunk read(Connection connection, Read read) throws SQLException {
		if (this.configured.add(connection)) {
			connection.setAutoCommit(false);
			connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
		}
		try {
			Chunk chunk = select(connection, read.task(), read.after(), null, null, read.watermark());
			try (PreparedStatement statement = connection.prepareStatement("with progress as ("
					+ SnapshotProgressStore.UPDATE + " returning 1) select txid_current_snapshot()::text,"
					+ " (select count(*) from progress), pg_logical_emit_message(true, '" + PREFIX + "', ?)")) {
				int next = this.store.bindUpdate(statement, 1, read.task(), read.completedKey(),
						SnapshotProgressStore.RUNNING, read.completedRows());
				statement.setString(next, read.watermark());
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					chunk.visibility(rs.getString(1));
				}
			}
			connection.commit();
			return chunk;
		}
		catch (SQLException | RuntimeException ex) {
			this.configured.remove(connection);
			try {
				connection.rollback();
			}
			catch (SQLException suppressed) {
				ex.addSuppressed(suppressed);
			}
			throw ex;
		}
	}

	/** Selects the chunk after the task's last key, in the connection's transaction (nothing else). */
	Chunk select(Connection connection, SnapshotTask task, String watermark) throws SQLException {
		return select(connection, task, task.lastKey(), null, null, watermark);
	}

	/**
	 * Selects the chunk after the key within a key range ({@link KeyRanges}), in the connection's transaction.
	 * @param low the least value of the key's first column, or {@code null}
	 * @param high the value of the key's first column the range ends before, or {@code null}
	 */
	Chunk select(Connection connection, SnapshotTask task, @Nullable List<String> lastKey, @Nullable String low,
			@Nullable String high, String watermark) throws SQLException {
		SnapshotTable table = task.table();
		StringJoiner columns = new StringJoiner(", ");
		table.columns().keySet().forEach((column) -> columns.add("s." + SnapshotTable.quote(column) + "::text"));
		// the alias keeps ORDER BY on the table's columns, not on the selected texts of the same names
		StringBuilder sql = new StringBuilder("select ").append(columns).append(" from ").append(table.sqlName())
			.append(" as s");
		// no upper bound: a row an UPDATE moved from the unread range to a greater key (its unchanged TOASTed
		// values not in the stream) is read by a later chunk; the snapshot ends with the first short chunk
		List<String> conditions = new ArrayList<>();
		List<String> values = new ArrayList<>();
		String first = table.keyColumns().get(0);
		String firstType = table.columns().get(first);
		if (lastKey != null) {
			conditions.add(keyTuple(table) + " > " + parameters(table));
			values.addAll(lastKey);
		}
		if (low != null) {
			conditions.add("s." + SnapshotTable.quote(first) + " >= ?::" + firstType);
			values.add(low);
		}
		if (high != null) {
			conditions.add("s." + SnapshotTable.quote(first) + " < ?::" + firstType);
			values.add(high);
		}
		if (!conditions.isEmpty()) {
			sql.append(" where ").append(String.join(" and ", conditions));
		}
		sql.append(" order by ").append(keyList(table)).append(" limit ").append(this.chunkSize);
		Chunk chunk = new Chunk(task, watermark);
		try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
			for (int i = 0; i < values.size(); i++) {
				statement.setString(i + 1, values.get(i));
			}
			String[] names = table.columns().keySet().toArray(new String[0]);
			ColumnText.Converter[] converters = table.columns()
				.values()
				.stream()
				.map(ColumnText::converter)
				.toArray(ColumnText.Converter[]::new);
			List<String> nameList = List.of(names);
			int[] keyIndexes = table.keyColumns().stream().mapToInt(nameList::indexOf).toArray();
			int capacity = (int) (names.length / 0.75f) + 1;
			String[] texts = new String[names.length];
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					Map<String, @Nullable Object> row = new LinkedHashMap<>(capacity);
					@Nullable Object[] key = new Object[keyIndexes.length];
					for (int i = 0; i < names.length; i++) {
						String text = rs.getString(i + 1);
						texts[i] = text;
						row.put(names[i], converters[i].value(text));
					}
					List<String> keyTexts = new ArrayList<>(keyIndexes.length);
					for (int k = 0; k < keyIndexes.length; k++) {
						keyTexts.add(texts[keyIndexes[k]]);
						key[k] = row.get(names[keyIndexes[k]]);
					}
					chunk.add(new RowKey(Arrays.asList(key)), row, keyTexts);
				}
			}
		}
		chunk.finish(this.chunkSize);
		return chunk;
	}

	private static String keyList(SnapshotTable table) {
		StringJoiner joiner = new StringJoiner(", ");
		table.keyColumns().forEach((column) -> joiner.add("s." + SnapshotTable.quote(column)));
		return joiner.toString();
	}

	private static String keyTuple(SnapshotTable table) {
		return "(" + keyList(table) + ")";
	}

	private static String parameters(SnapshotTable table) {
		StringJoiner joiner = new StringJoiner(", ", "(", ")");
		table.keyColumns().forEach((column) -> joiner.add("?::" + table.columns().get(column)));
		return joiner.toString();
	}

	/**
	 * @param connection a plain connection
	 * @param table the table
	 * @return the texts of the table's greatest key, or {@code null} when it is empty
	 * @throws SQLException if it cannot be read
	 */
	static @Nullable List<String> maxKey(Connection connection, SnapshotTable table) throws SQLException {
		StringJoiner columns = new StringJoiner(", ");
		StringJoiner order = new StringJoiner(", ");
		table.keyColumns().forEach((column) -> {
			columns.add(SnapshotTable.quote(column) + "::text");
			order.add("s." + SnapshotTable.quote(column) + " desc");
		});
		try (Statement statement = connection.createStatement(); ResultSet rs = statement
			.executeQuery("select " + columns + " from " + table.sqlName() + " as s order by " + order + " limit 1")) {
			if (!rs.next()) {
				return null;
			}
			List<String> key = new ArrayList<>();
			for (int i = 1; i <= table.keyColumns().size(); i++) {
				key.add(rs.getString(i));
			}
			return key;
		}
	}

	/**
	 * What one chunk's read needs, captured on the replication thread.
	 * @param task the table
	 * @param after the key after which the chunk starts ({@code null} for the table's first)
	 * @param watermark the content of the closing watermark
	 * @param completedKey the key after which the table's delivered and completed rows end, recorded in the chunk's
	 * transaction as where a restart continues
	 * @param completedRows the rows delivered and completed, recorded with it
	 */
	record Read(SnapshotTask task, @Nullable List<String> after, String watermark, @Nullable List<String> completedKey,
			long completedRows) {

	}

	/** One chunk's rows, buffered by key until its closing watermark arrives in the stream. */
	static final class Chunk {

		final SnapshotTask task;

		final String watermark;

		final LinkedHashMap<RowKey, Map<String, @Nullable Object>> rows = new LinkedHashMap<>();

		@Nullable List<String> lastKey;

		boolean last;

		int read;

		int delivered;

		long xmax;

		final Set<Long> xip = new HashSet<>();

		Chunk(SnapshotTask task, String watermark) {
			this.task = task;
			this.watermark = watermark;
		}

		void add(RowKey key, Map<String, @Nullable Object> row, List<String> keyTexts) {
			this.rows.put(key, row);
			this.lastKey = keyTexts;
			this.read++;
		}

		void finish(int chunkSize) {
			this.last = this.read < chunkSize;
		}

		/** Parses {@code xmin:xmax:xip,...}, keeping 32-bit xids as the stream carries them. */
		void visibility(String snapshot) {
			String[] parts = snapshot.split(":");
			this.xmax = Long.parseLong(parts[1]) & 0xFFFFFFFFL;
			if (parts.length > 2 && !parts[2].isEmpty()) {
				for (String xid : parts[2].split(",")) {
					this.xip.add(Long.parseLong(xid) & 0xFFFFFFFFL);
				}
			}
		}

		/**
		 * @param xid a transaction the stream delivered before the chunk's window opened (32-bit)
		 * @return whether the chunk's snapshot did not see it (in progress, or started after the snapshot)
		 */
		boolean missed(long xid) {
			long x = xid & 0xFFFFFFFFL;
			return this.xip.contains(x) || (int) (x - this.xmax) >= 0;
		}

	}

}
