package dev.lode.core;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One committed row change, immutable.
 *
 * <p>Values are the decoded column values of the new row ({@link #values()}, empty for DELETE and
 * TRUNCATE) and of the old row or its key ({@link #oldValues()}: the replica identity columns, or the
 * whole old row with {@code REPLICA IDENTITY FULL}; empty for INSERT). A column missing from
 * {@link #values()} of an UPDATE was not sent by the plugin (an unchanged TOASTed value), which is
 * different from a column present with a {@code null} value: {@link #unchangedColumns()} lists such columns
 * and {@link #isUnchanged(String)} asks about one, with every plugin.
 *
 * <p>Value types do not depend on the output plugin: {@code smallint}/{@code integer} are {@link Integer},
 * {@code bigint}/{@code oid} {@link Long}, {@code numeric} {@link java.math.BigDecimal}, {@code real}
 * {@link Float}, {@code double precision} {@link Double}, {@code boolean} {@link Boolean}, character types,
 * {@code json}/{@code jsonb} (the JSON text), enums, domains and all other types {@link String}, {@code uuid}
 * {@link java.util.UUID}, {@code date} {@link java.time.LocalDate}, {@code time} {@link java.time.LocalTime},
 * {@code timetz} {@link java.time.OffsetTime} and {@code timestamptz} {@link OffsetDateTime} (both in UTC),
 * {@code timestamp} {@link java.time.LocalDateTime}, {@code bytea} {@code byte[]}, arrays unmodifiable
 * {@link List}s of their element type. {@link #raw(String)} gives the text the plugin sent.
 *
 * <p>Delivery is at least once: a change can arrive again after a crash or reconnect. The pair
 * ({@link #commitLsn()}, {@link #lsn()}) identifies a change and can be used to de-duplicate.
 *
 * @since 0.1.0
 */
public final class WalChange {

	private final String schema;

	private final String table;

	private final ChangeKind kind;

	private final Map<String, @Nullable Object> values;

	private final Map<String, @Nullable Object> oldValues;

	private final Map<String, String> columnTypes;

	private final TransactionInfo transaction;

	private final Lsn lsn;

	private final Map<String, String> rawValues;

	private final Map<String, String> rawOldValues;

	private final Set<String> unchangedColumns;

	private List<String> keyColumns = List.of();

	private @Nullable SnapshotMarker snapshot;

	/**
	 * Creates a change. The maps are copied.
	 * @param schema the schema name
	 * @param table the table name
	 * @param kind the kind of change
	 * @param values new row values by column name, in column order
	 * @param oldValues old row or key values by column name
	 * @param columnTypes PostgreSQL type names by column name, where the plugin sent them
	 * @param transaction the transaction the change belongs to
	 * @param lsn the LSN of the change itself, or {@link Lsn#INVALID} if unknown
	 */
	public WalChange(String schema, String table, ChangeKind kind, Map<String, @Nullable Object> values,
			Map<String, @Nullable Object> oldValues, Map<String, String> columnTypes, TransactionInfo transaction,
			Lsn lsn) {
		this.schema = Objects.requireNonNull(schema, "schema");
		this.table = Objects.requireNonNull(table, "table");
		this.kind = Objects.requireNonNull(kind, "kind");
		this.values = copy(values);
		this.oldValues = copy(oldValues);
		this.columnTypes = Collections.unmodifiableMap(new LinkedHashMap<>(columnTypes));
		this.transaction = Objects.requireNonNull(transaction, "transaction");
		this.lsn = Objects.requireNonNull(lsn, "lsn");
		this.rawValues = Collections.emptyMap();
		this.rawOldValues = Collections.emptyMap();
		this.unchangedColumns = Collections.emptySet();
	}

	/**
	 * Creates a change with raw texts and unchanged columns. The maps and the set are copied.
	 * @param schema the schema name
	 * @param table the table name
	 * @param kind the kind of change
	 * @param values new row values by column name, in column order
	 * @param oldValues old row or key values by column name
	 * @param columnTypes PostgreSQL type names by column name, where the plugin sent them
	 * @param transaction the transaction the change belongs to
	 * @param lsn the LSN of the change itself, or {@link Lsn#INVALID} if unknown
	 * @param rawValues the text the plugin sent for new values, for those columns only whose text
	 * {@link RawText#of(Object)} does not derive from the value
	 * @param rawOldValues the same for the old values
	 * @param unchangedColumns the columns the plugin marked as unchanged TOASTed values (absent from
	 * {@code values})
	 * @since 0.1.0
	 */
	public WalChange(String schema, String table, ChangeKind kind, Map<String, @Nullable Object> values,
			Map<String, @Nullable Object> oldValues, Map<String, String> columnTypes, TransactionInfo transaction,
			Lsn lsn, Map<String, String> rawValues, Map<String, String> rawOldValues, Set<String> unchangedColumns) {
		this.schema = Objects.requireNonNull(schema, "schema");
		this.table = Objects.requireNonNull(table, "table");
		this.kind = Objects.requireNonNull(kind, "kind");
		this.values = copy(values);
		this.oldValues = copy(oldValues);
		this.columnTypes = columnTypes.isEmpty() ? Collections.emptyMap()
				: Collections.unmodifiableMap(new LinkedHashMap<>(columnTypes));
		this.transaction = Objects.requireNonNull(transaction, "transaction");
		this.lsn = Objects.requireNonNull(lsn, "lsn");
		this.rawValues = rawValues.isEmpty() ? Collections.emptyMap() : Map.copyOf(rawValues);
		this.rawOldValues = rawOldValues.isEmpty() ? Collections.emptyMap() : Map.copyOf(rawOldValues);
		this.unchangedColumns = unchangedColumns.isEmpty() ? Collections.emptySet()
				: Collections.unmodifiableSet(new LinkedHashSet<>(unchangedColumns));
	}

	private WalChange(String schema, String table, ChangeKind kind, Map<String, @Nullable Object> values,
			Map<String, @Nullable Object> oldValues, Map<String, String> columnTypes, TransactionInfo transaction,
			Lsn lsn, Map<String, String> rawValues, Map<String, String> rawOldValues, Set<String> unchangedColumns,
			boolean adopt) {
		this.schema = Objects.requireNonNull(schema, "schema");
		this.table = Objects.requireNonNull(table, "table");
		this.kind = Objects.requireNonNull(kind, "kind");
		this.values = values.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(values);
		this.oldValues = oldValues.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(oldValues);
		this.columnTypes = columnTypes.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(columnTypes);
		this.transaction = Objects.requireNonNull(transaction, "transaction");
		this.lsn = Objects.requireNonNull(lsn, "lsn");
		this.rawValues = rawValues.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(rawValues);
		this.rawOldValues = rawOldValues.isEmpty() ? Collections.emptyMap()
				: Collections.unmodifiableMap(rawOldValues);
		this.unchangedColumns = unchangedColumns.isEmpty() ? Collections.emptySet()
				: Collections.unmodifiableSet(unchangedColumns);
	}

	/**
	 * Creates a change that takes ownership of the given maps and set instead of copying them: for
	 * decoders, which build fresh maps per change on the hot path. The caller must not keep or
	 * modify them afterwards. Arguments as in the public constructors.
	 * @param schema the schema name
	 * @param table the table name
	 * @param kind the kind of change
	 * @param values new row values by column name, in column order (adopted)
	 * @param oldValues old row or key values by column name (adopted)
	 * @param columnTypes PostgreSQL type names by column name (adopted)
	 * @param transaction the transaction the change belongs to
	 * @param lsn the LSN of the change itself, or {@link Lsn#INVALID} if unknown
	 * @param rawValues raw texts of new values that do not derive from the value (adopted)
	 * @param rawOldValues the same for the old values (adopted)
	 * @param unchangedColumns the columns marked as unchanged TOASTed values (adopted)
	 * @return the change
	 * @since 0.1.0
	 */
	public static WalChange adopt(String schema, String table, ChangeKind kind, Map<String, @Nullable Object> values,
			Map<String, @Nullable Object> oldValues, Map<String, String> columnTypes, TransactionInfo transaction,
			Lsn lsn, Map<String, String> rawValues, Map<String, String> rawOldValues, Set<String> unchangedColumns) {
		return new WalChange(schema, table, kind, values, oldValues, columnTypes, transaction, lsn, rawValues,
				rawOldValues, unchangedColumns, true);
	}

	/**
	 * Like {@link #adopt(String, String, ChangeKind, Map, Map, Map, TransactionInfo, Lsn, Map, Map, Set)}, with
	 * the table's key columns as the plugin reported them.
	 * @param schema the schema name
	 * @param table the table name
	 * @param kind the kind of change
	 * @param values new row values by column name, in column order (adopted)
	 * @param oldValues old row or key values by column name (adopted)
	 * @param columnTypes PostgreSQL type names by column name (adopted)
	 * @param transaction the transaction the change belongs to
	 * @param lsn the LSN of the change itself, or {@link Lsn#INVALID} if unknown
	 * @param rawValues raw texts of new values that do not derive from the value (adopted)
	 * @param rawOldValues the same for the old values (adopted)
	 * @param unchangedColumns the columns marked as unchanged TOASTed values (adopted)
	 * @param keyColumns the columns that identify a row (primary key or replica identity index), in key order;
	 * empty when the table has none or the plugin did not say (unmodifiable, adopted)
	 * @return the change
	 * @since 0.2.0
	 */
	public static WalChange adopt(String schema, String table, ChangeKind kind, Map<String, @Nullable Object> values,
			Map<String, @Nullable Object> oldValues, Map<String, String> columnTypes, TransactionInfo transaction,
			Lsn lsn, Map<String, String> rawValues, Map<String, String> rawOldValues, Set<String> unchangedColumns,
			List<String> keyColumns) {
		WalChange change = new WalChange(schema, table, kind, values, oldValues, columnTypes, transaction, lsn,
				rawValues, rawOldValues, unchangedColumns, true);
		change.keyColumns = keyColumns;
		return change;
	}

	/**
	 * A {@link ChangeKind#SNAPSHOT} row: a row read from the table, delivered as a change of the transaction
	 * that closed its read (its {@link #commitLsn()} is that transaction's).
	 * @param schema the schema name
	 * @param table the table name
	 * @param values the whole row by column name, in column order (adopted)
	 * @param columnTypes PostgreSQL type names by column name (adopted)
	 * @param transaction the transaction the row is delivered with
	 * @param lsn the position of the read's closing watermark (or of the consistent point)
	 * @param keyColumns the primary key's columns, in key order (adopted)
	 * @param marker the snapshot that read the row
	 * @return the change
	 * @since 0.2.0
	 */
	public static WalChange snapshotRow(String schema, String table, Map<String, @Nullable Object> values,
			Map<String, String> columnTypes, TransactionInfo transaction, Lsn lsn, List<String> keyColumns,
			SnapshotMarker marker) {
		WalChange change = new WalChange(schema, table, ChangeKind.SNAPSHOT, values, Collections.emptyMap(),
				columnTypes, transaction, lsn, Collections.emptyMap(), Collections.emptyMap(), Collections.emptySet(),
				true);
		change.keyColumns = keyColumns;
		change.snapshot = Objects.requireNonNull(marker, "marker");
		return change;
	}

	/**
	 * This UPDATE with its unchanged TOASTed columns filled from a copy of the row read before it (a snapshot's
	 * buffered row): the columns {@code row} has are no longer {@link #unchangedColumns() unchanged}.
	 * @param row the row's values before this change
	 * @return the completed change, or this one when there is nothing to fill
	 * @since 0.2.0
	 */
	public WalChange withUnchangedFrom(Map<String, @Nullable Object> row) {
		if (this.unchangedColumns.isEmpty()) {
			return this;
		}
		Map<String, @Nullable Object> filled = new LinkedHashMap<>(this.values);
		Set<String> stillUnchanged = new LinkedHashSet<>();
		for (String column : this.unchangedColumns) {
			if (row.containsKey(column)) {
				filled.put(column, row.get(column));
			}
			else {
				stillUnchanged.add(column);
			}
		}
		WalChange change = new WalChange(this.schema, this.table, this.kind, filled,
				new LinkedHashMap<>(this.oldValues), new LinkedHashMap<>(this.columnTypes), this.transaction, this.lsn,
				new LinkedHashMap<>(this.rawValues), new LinkedHashMap<>(this.rawOldValues), stillUnchanged, true);
		change.keyColumns = this.keyColumns;
		change.snapshot = this.snapshot;
		return change;
	}

	/**
	 * @return for a {@link ChangeKind#SNAPSHOT} row, the snapshot that read it; {@code null} for a change
	 * @since 0.2.0
	 */
	public @Nullable SnapshotMarker snapshot() {
		return this.snapshot;
	}

	/**
	 * @return the columns that identify a row of the table (its primary key, or with pgoutput its replica
	 * identity index), in key order; empty when the table has none (or {@code REPLICA IDENTITY FULL} without
	 * the plugin naming a key) or the change was not made by a decoder
	 * @since 0.2.0
	 */
	public List<String> keyColumns() {
		return this.keyColumns;
	}

	/**
	 * @return the row's key values, in key order: of the new row, or of the old row for a DELETE; empty when
	 * {@link #keyColumns()} is or a key value is missing
	 * @since 0.2.0
	 */
	public List<@Nullable Object> key() {
		return keyOf((this.kind == ChangeKind.DELETE) ? this.oldValues : this.values);
	}

	/**
	 * @return the old row's key values when this UPDATE changed the key, else empty
	 * @since 0.2.0
	 */
	public List<@Nullable Object> oldKey() {
		if (this.kind != ChangeKind.UPDATE || this.oldValues.isEmpty()) {
			return List.of();
		}
		List<@Nullable Object> old = keyOf(this.oldValues);
		List<@Nullable Object> current = keyOf(this.values);
		if (old.isEmpty() || current.size() != old.size()) {
			return List.of();
		}
		for (int i = 0; i < old.size(); i++) {
			if (!valueEquals(old.get(i), current.get(i))) {
				return old;
			}
		}
		return List.of();
	}

	private List<@Nullable Object> keyOf(Map<String, @Nullable Object> row) {
		List<String> columns = this.keyColumns;
		if (columns.isEmpty()) {
			return List.of();
		}
		List<@Nullable Object> key = new ArrayList<>(columns.size());
		for (String column : columns) {
			if (!row.containsKey(column)) {
				return List.of();
			}
			key.add(row.get(column));
		}
		return key;
	}

	private static Map<String, @Nullable Object> copy(Map<String, @Nullable Object> map) {
		return map.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
	}

	/** @return the schema name, e.g. {@code public} */
	public String schema() {
		return this.schema;
	}

	/** @return the table name */
	public String table() {
		return this.table;
	}

	/** @return the kind of change */
	public ChangeKind kind() {
		return this.kind;
	}

	/** @return the new row's values by column name (unmodifiable, in column order; the whole row for SNAPSHOT) */
	public Map<String, @Nullable Object> values() {
		return this.values;
	}

	/** @return the old row's key or full values by column name (unmodifiable) */
	public Map<String, @Nullable Object> oldValues() {
		return this.oldValues;
	}

	/** @return PostgreSQL type names of the columns, where the plugin sent them */
	public Map<String, String> columnTypes() {
		return this.columnTypes;
	}

	/**
	 * @param column a column name
	 * @return the new value of that column, or {@code null} if it is NULL or absent
	 */
	public @Nullable Object get(String column) {
		return this.values.get(column);
	}

	/**
	 * @param column a column name
	 * @return whether the plugin sent a new value for the column (an unchanged TOASTed column is absent)
	 */
	public boolean has(String column) {
		return this.values.containsKey(column);
	}

	/**
	 * Whether a column of an UPDATE kept its old value without the plugin sending it (an unchanged TOASTed
	 * value, absent from {@link #values()}): whether {@link #unchangedColumns()} contains it. Never true for
	 * other kinds, nor for a column the table does not have.
	 * @param column a column name
	 * @return whether the column's new value is its unchanged old value, not sent
	 * @since 0.1.0
	 */
	public boolean isUnchanged(String column) {
		return this.unchangedColumns.contains(column);
	}

	/**
	 * @return the columns of an UPDATE whose unchanged TOASTed values the plugin did not send: pgoutput
	 * marks them ({@code 'u'}); for wal2json, which leaves them out without a marker, lode compares the
	 * change with the table's columns as the catalog listed them when the stream opened
	 * @since 0.1.0
	 */
	public Set<String> unchangedColumns() {
		return this.unchangedColumns;
	}

	/**
	 * The new value's text as the plugin sent it: PostgreSQL's output text (pgoutput), or the JSON string's
	 * content or number / {@code true} / {@code false} literal (wal2json, whose {@code bytea} is hex without
	 * {@code \x}).
	 * @param column a column name
	 * @return the text, or {@code null} if the value is NULL or absent (and for wal2json's {@code null} that
	 * stands for {@code NaN} and infinities)
	 * @since 0.1.0
	 */
	public @Nullable String raw(String column) {
		return raw(this.values, this.rawValues, column);
	}

	/**
	 * @return the texts of {@link #values()} as the plugin sent them (see {@link #raw(String)}), computed on
	 * each call
	 * @since 0.1.0
	 */
	public Map<String, @Nullable String> rawValues() {
		return rawMap(this.values, this.rawValues);
	}

	/**
	 * @param column a column name
	 * @return the old value's text as the plugin sent it, or {@code null} (see {@link #raw(String)})
	 * @since 0.1.0
	 */
	public @Nullable String rawOld(String column) {
		return raw(this.oldValues, this.rawOldValues, column);
	}

	/**
	 * @return the texts of {@link #oldValues()} as the plugin sent them, computed on each call
	 * @since 0.1.0
	 */
	public Map<String, @Nullable String> rawOldValues() {
		return rawMap(this.oldValues, this.rawOldValues);
	}

	private static @Nullable String raw(Map<String, @Nullable Object> values, Map<String, String> raw,
			String column) {
		String text = raw.get(column);
		return (text != null) ? text : RawText.of(values.get(column));
	}

	private static Map<String, @Nullable String> rawMap(Map<String, @Nullable Object> values,
			Map<String, String> raw) {
		Map<String, @Nullable String> texts = new LinkedHashMap<>();
		values.keySet().forEach((column) -> texts.put(column, raw(values, raw, column)));
		return Collections.unmodifiableMap(texts);
	}

	/** @return the transaction this change belongs to */
	public TransactionInfo transaction() {
		return this.transaction;
	}

	/** @return the transaction id, or {@code -1} if unknown */
	public long xid() {
		return this.transaction.xid();
	}

	/** @return the LSN of the transaction's commit record */
	public Lsn commitLsn() {
		return this.transaction.commitLsn();
	}

	/** @return the commit time, or {@code null} if unknown */
	public @Nullable OffsetDateTime commitTime() {
		return this.transaction.commitTime();
	}

	/** @return the LSN of this change, or {@link Lsn#INVALID} if unknown */
	public Lsn lsn() {
		return this.lsn;
	}

	/** @return {@code schema.table} */
	public String qualifiedTable() {
		return this.schema + "." + this.table;
	}

	/**
	 * Two changes are equal when table, kind, values and old values ({@code byte[]} by content), transaction and
	 * LSN are; column type names, raw texts and {@link #unchangedColumns()} are plugin-specific and not compared.
	 */
	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof WalChange that)) {
			return false;
		}
		return this.schema.equals(that.schema) && this.table.equals(that.table) && this.kind == that.kind
				&& valuesEqual(this.values, that.values) && valuesEqual(this.oldValues, that.oldValues)
				&& this.transaction.equals(that.transaction) && this.lsn.equals(that.lsn);
	}

	/** Like {@link Map#equals} but compares {@code byte[]} values (also inside lists) by content. */
	private static boolean valuesEqual(Map<String, @Nullable Object> a, Map<String, @Nullable Object> b) {
		if (a.size() != b.size()) {
			return false;
		}
		for (Map.Entry<String, @Nullable Object> entry : a.entrySet()) {
			if (!b.containsKey(entry.getKey()) || !valueEquals(entry.getValue(), b.get(entry.getKey()))) {
				return false;
			}
		}
		return true;
	}

	private static boolean valueEquals(@Nullable Object a, @Nullable Object b) {
		if (a instanceof byte[] x && b instanceof byte[] y) {
			return Arrays.equals(x, y);
		}
		if (a instanceof List<?> x && b instanceof List<?> y) {
			if (x.size() != y.size()) {
				return false;
			}
			Iterator<?> i = x.iterator();
			Iterator<?> j = y.iterator();
			while (i.hasNext()) {
				if (!valueEquals(i.next(), j.next())) {
					return false;
				}
			}
			return true;
		}
		return Objects.equals(a, b);
	}

	private static int valuesHash(Map<String, @Nullable Object> values) {
		int hash = 0;
		for (Map.Entry<String, @Nullable Object> entry : values.entrySet()) {
			hash += entry.getKey().hashCode() ^ valueHash(entry.getValue());
		}
		return hash;
	}

	private static int valueHash(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return Arrays.hashCode(bytes);
		}
		if (value instanceof List<?> list) {
			int hash = 1;
			for (Object element : list) {
				hash = 31 * hash + valueHash(element);
			}
			return hash;
		}
		return Objects.hashCode(value);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.schema, this.table, this.kind, valuesHash(this.values), valuesHash(this.oldValues),
				this.transaction, this.lsn);
	}

	/** Row values are left out on purpose: they may hold personal data and must not reach logs. */
	@Override
	public String toString() {
		return "WalChange{" + this.kind + " " + qualifiedTable() + ", xid=" + xid() + ", lsn=" + this.lsn
				+ ", commitLsn=" + commitLsn() + "}";
	}

}
