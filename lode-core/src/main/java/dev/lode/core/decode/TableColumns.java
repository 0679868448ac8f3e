package dev.lode.core.decode;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lode.core.ChangeKind;
import dev.lode.core.WatchedTable;
import org.jspecify.annotations.Nullable;

/**
 * The columns of the watched tables and whether their replica identity is {@code FULL}, read from the
 * catalog when the stream opens (again at every reconnect). wal2json needs it to say what it leaves
 * out: an UPDATE without an unchanged TOASTed column has no marker for it (pgoutput sends {@code 'u'}),
 * and format 1's {@code oldkeys} leave out old columns whose value is NULL. A table altered while lode
 * streams is seen as it was until the next reconnect.
 *
 * @since 0.1.0
 */
public final class TableColumns {

	/** Knows no table: changes are left as the plugin sent them. */
	public static final TableColumns NONE = new TableColumns(Map.of());

	private static final String QUERY = "select n.nspname, c.relname, c.relreplident = 'f',"
			+ " array_agg(a.attname::text order by a.attnum) from pg_class c"
			+ " join pg_namespace n on n.oid = c.relnamespace"
			+ " join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
			+ " where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')"
			+ " and n.nspname not like 'pg\\_toast%' and (? or c.relname = any (?))"
			+ " group by n.nspname, c.relname, c.relreplident";

	private final Map<String, Table> tables;

	private TableColumns(Map<String, Table> tables) {
		this.tables = tables;
	}

	/**
	 * One table.
	 * @param columns its columns in order
	 * @param fullIdentity whether its replica identity is {@code FULL}
	 */
	record Table(List<String> columns, boolean fullIdentity) {

	}

	/**
	 * Reads the tables that changes may come from.
	 * @param connection a plain connection to the slot's database
	 * @param watched the watched tables; empty, or an entry for all tables, means every table
	 * @return what the catalog says
	 * @throws SQLException on database errors
	 */
	public static TableColumns read(Connection connection, List<WatchedTable> watched) throws SQLException {
		boolean all = watched.isEmpty() || watched.stream().anyMatch(WatchedTable::isAllTables);
		Set<String> names = new LinkedHashSet<>();
		watched.stream().filter((t) -> !t.isAllTables()).forEach((t) -> names.add(String.valueOf(t.table())));
		Map<String, Table> tables = new HashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
			statement.setBoolean(1, all);
			Array array = connection.createArrayOf("text", names.toArray());
			statement.setArray(2, array);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					String schema = rs.getString(1);
					String table = rs.getString(2);
					if (all || watches(watched, schema, table)) {
						Object[] columns = (Object[]) rs.getArray(4).getArray();
						List<String> list = new ArrayList<>(columns.length);
						for (Object column : columns) {
							list.add((String) column);
						}
						tables.put(key(schema, table), new Table(List.copyOf(list), rs.getBoolean(3)));
					}
				}
			}
			array.free();
		}
		return new TableColumns(Map.copyOf(tables));
	}

	private static boolean watches(List<WatchedTable> watched, String schema, String table) {
		return watched.stream()
			.anyMatch((t) -> table.equals(t.table()) && (t.schema() == null || schema.equals(t.schema())));
	}

	private static String key(String schema, String table) {
		return schema + '\u0000' + table;
	}

	/**
	 * Adds to a decoded row what wal2json left out, where the catalog knows the table: the columns an
	 * UPDATE did not send as unchanged, and (format 1) the NULL old values of a {@code FULL} identity.
	 * @param row the row as decoded
	 * @param schema its schema
	 * @param table its table
	 * @param kind the kind of change
	 * @param oldNullsLeftOut whether the format leaves NULL old values out (format 1)
	 */
	void complete(Row row, String schema, String table, ChangeKind kind, boolean oldNullsLeftOut) {
		if (this.tables.isEmpty() || (kind != ChangeKind.UPDATE && kind != ChangeKind.DELETE)) {
			return;
		}
		Table known = this.tables.get(key(schema, table));
		if (known == null) {
			return;
		}
		List<String> columns = known.columns();
		if (kind == ChangeKind.UPDATE && row.values.size() < columns.size()) {
			for (String column : columns) {
				if (!row.values.containsKey(column)) {
					row.unchanged(column, null);
				}
			}
		}
		if (oldNullsLeftOut && known.fullIdentity() && row.oldValues.size() < columns.size()) {
			Map<String, @Nullable Object> old = new HashMap<>(row.oldValues);
			row.oldValues.clear();
			for (String column : columns) {
				row.oldValues.put(column, old.get(column));
			}
		}
	}

}
