package dev.lode.core.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A table as a snapshot reads it: its columns with their types and its primary key, from the catalog.
 *
 * @param schema the schema name
 * @param table the table name
 * @param columns the column types by column name, in column order
 * @param keyColumns the primary key's columns, in key order (never empty)
 * @param estimatedRows {@code pg_class.reltuples} (an estimate; {@code -1} when never analyzed)
 * @since 0.2.0
 */
public record SnapshotTable(String schema, String table, Map<String, String> columns, List<String> keyColumns,
		long estimatedRows) {

	private static final String COLUMNS = "select n.nspname, c.relname, a.attname,"
			+ " format_type(a.atttypid, a.atttypmod), coalesce(array_position(i.indkey::int2[], a.attnum)"
			// int2vector subscripts start at 0
			+ " - array_lower(i.indkey::int2[], 1) + 1, 0),"
			+ " c.reltuples::bigint from pg_class c join pg_namespace n on n.oid = c.relnamespace"
			+ " join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
			+ " left join pg_index i on i.indrelid = c.oid and i.indisprimary"
			+ " where c.oid = to_regclass(?) order by a.attnum";

	/**
	 * Reads a table's columns and primary key.
	 * @param connection a plain connection
	 * @param name the table, {@code table} (found through the search path) or {@code schema.table}
	 * @return the table
	 * @throws SQLException if the catalog cannot be read
	 * @throws SnapshotException if the table does not exist or has no primary key
	 */
	public static SnapshotTable read(Connection connection, String name) throws SQLException {
		String schema = null;
		String table = null;
		Map<String, String> columns = new LinkedHashMap<>();
		Map<Integer, String> key = new java.util.TreeMap<>();
		long estimate = -1;
		try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
			statement.setString(1, regclass(name));
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					schema = rs.getString(1);
					table = rs.getString(2);
					columns.put(rs.getString(3), rs.getString(4));
					int position = rs.getInt(5);
					if (position > 0) {
						key.put(position, rs.getString(3));
					}
					estimate = rs.getLong(6);
				}
			}
		}
		if (schema == null || table == null) {
			throw new SnapshotException("Table '" + name + "' does not exist, so lode cannot read a snapshot of it:"
					+ " name an existing table (schema.table, or a table on the search path)");
		}
		if (key.isEmpty()) {
			throw new SnapshotException("Table " + schema + "." + table + " has no primary key: lode reads snapshots"
					+ " in chunks ordered by primary key, and a chunk row is matched to the stream's changes by it."
					+ " Add one (ALTER TABLE " + quote(schema) + "." + quote(table) + " ADD PRIMARY KEY (...)) or"
					+ " leave the table out of the snapshot");
		}
		return new SnapshotTable(schema, table, Collections.unmodifiableMap(columns), List.copyOf(key.values()),
				estimate);
	}

	/**
	 * @param connection a plain connection
	 * @return every ordinary or partitioned table with a primary key outside the system schemas, but lode's own
	 * ({@code schema.table}, quoted where needed), for a snapshot of all tables
	 * @throws SQLException if the catalog cannot be read
	 */
	static List<String> allWithPrimaryKey(Connection connection) throws SQLException {
		List<String> names = new java.util.ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("select quote_ident(n.nspname) || '.' ||"
				+ " quote_ident(c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
				+ " where c.relkind in ('r', 'p') and not c.relispartition and n.nspname not in ('pg_catalog',"
				+ " 'information_schema') and n.nspname not like 'pg\\_%' and c.relname not in (?, ?)"
				+ " and exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary)"
				+ " order by 1")) {
			statement.setString(1, SnapshotProgressStore.TABLE);
			statement.setString(2, dev.lode.core.replication.StreamRecordStore.TABLE);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					names.add(rs.getString(1));
				}
			}
		}
		return names;
	}

	/** A name for {@code to_regclass}: each part quoted unless it already is. */
	private static String regclass(String name) {
		int dot = name.indexOf('.');
		if (name.contains("\"") || dot < 0) {
			return name.contains("\"") ? name : quote(name);
		}
		return quote(name.substring(0, dot)) + "." + quote(name.substring(dot + 1));
	}

	/**
	 * @param identifier a name
	 * @return it as a quoted SQL identifier
	 */
	static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

	/** @return {@code schema.table} */
	public String qualifiedName() {
		return this.schema + "." + this.table;
	}

	/** @return the quoted {@code "schema"."table"} for SQL */
	String sqlName() {
		return quote(this.schema) + "." + quote(this.table);
	}

	/**
	 * @param change a change
	 * @return whether it is a change of this table
	 */
	boolean isOf(dev.lode.core.WalChange change) {
		return this.table.equals(change.table()) && this.schema.equals(change.schema());
	}

	/**
	 * @param row a row's values by column name
	 * @return its key values, in key order, as {@link RowKey}, or {@code null} when a key column is missing
	 */
	@Nullable RowKey keyOf(Map<String, @Nullable Object> row) {
		List<@Nullable Object> values = new ArrayList<>(this.keyColumns.size());
		for (String column : this.keyColumns) {
			if (!row.containsKey(column)) {
				return null;
			}
			values.add(row.get(column));
		}
		return new RowKey(values);
	}

}
