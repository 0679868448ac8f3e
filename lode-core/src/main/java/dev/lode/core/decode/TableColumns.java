package dev.lode.core.decode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lode.core.ChangeKind;
import org.jspecify.annotations.Nullable;

/**
 * The columns of the watched tables and whether their replica identity is {@code FULL}, as the catalog
 * said when the stream opened (lode reads it again at every reconnect; {@code DecoderSetup.Catalog}). wal2json needs it to say what it leaves
 * out: an UPDATE without an unchanged TOASTed column has no marker for it (pgoutput sends {@code 'u'}),
 * and format 1's {@code oldkeys} leave out old columns whose value is NULL. A table altered while lode
 * streams is seen as it was until the next reconnect.
 *
 * @since 0.1.0
 */
public final class TableColumns {

	/** Knows no table: changes are left as the plugin sent them. */
	public static final TableColumns NONE = new TableColumns(Map.of());


	private final Map<String, Table> tables;

	private TableColumns(Map<String, Table> tables) {
		this.tables = tables;
	}

	/**
	 * One table.
	 * @param columns its columns in order
	 * @param fullIdentity whether its replica identity is {@code FULL}
	 * @param keyColumns its primary key's columns in key order, empty without one
	 */
	public record Table(List<String> columns, boolean fullIdentity, List<String> keyColumns) {

		/**
		 * A table without primary key information.
		 * @param columns its columns in order
		 * @param fullIdentity whether its replica identity is {@code FULL}
		 */
		public Table(List<String> columns, boolean fullIdentity) {
			this(columns, fullIdentity, List.of());
		}

	}

	/** The last table looked up (changes come in runs of one table): saves building the lookup key. */
	private @Nullable Table last;

	private @Nullable String lastSchema;

	private @Nullable String lastTable;

	/**
	 * @param tables the tables by {@link #key(String, String) schema and name}
	 * @return the catalog's answer
	 */
	public static TableColumns of(Map<String, Table> tables) {
		return new TableColumns(Map.copyOf(tables));
	}

	/**
	 * @param schema a schema
	 * @param table a table of it
	 * @return the key of {@link #of(Map)}
	 */
	public static String key(String schema, String table) {
		return schema + '\u0000' + table;
	}

	private @Nullable Table lookUp(String schema, String table) {
		if (this.last != null && table.equals(this.lastTable) && schema.equals(this.lastSchema)) {
			return this.last;
		}
		Table known = this.tables.get(key(schema, table));
		this.last = known;
		this.lastSchema = schema;
		this.lastTable = table;
		return known;
	}

	/**
	 * Adds to a decoded row what wal2json left out, where the catalog knows the table: its primary key's columns
	 * ({@link dev.lode.core.WalChange#keyColumns()}), the columns an
	 * UPDATE did not send as unchanged, and (format 1) the NULL old values of a {@code FULL} identity.
	 * @param row the row as decoded
	 * @param schema its schema
	 * @param table its table
	 * @param kind the kind of change
	 * @param oldNullsLeftOut whether the format leaves NULL old values out (format 1)
	 */
	void complete(Row row, String schema, String table, ChangeKind kind, boolean oldNullsLeftOut) {
		if (this.tables.isEmpty()) {
			return;
		}
		Table known = lookUp(schema, table);
		if (known == null) {
			return;
		}
		row.keyColumns = known.keyColumns();
		if (kind != ChangeKind.UPDATE && kind != ChangeKind.DELETE) {
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
