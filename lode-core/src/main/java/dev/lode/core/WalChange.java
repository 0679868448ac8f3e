package dev.lode.core;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One committed row change, immutable.
 *
 * <p>Values are the decoded column values of the new row ({@link #values()}, empty for DELETE and
 * TRUNCATE) and of the old row or its key ({@link #oldValues()}: the replica identity columns, or the
 * whole old row with {@code REPLICA IDENTITY FULL}; empty for INSERT). A column missing from
 * {@link #values()} of an UPDATE was not sent by the plugin (an unchanged TOASTed value), which is
 * different from a column present with a {@code null} value.
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

	/** @return the new row's values by column name (unmodifiable, in column order) */
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

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof WalChange that)) {
			return false;
		}
		return this.schema.equals(that.schema) && this.table.equals(that.table) && this.kind == that.kind
				&& this.values.equals(that.values) && this.oldValues.equals(that.oldValues)
				&& this.transaction.equals(that.transaction) && this.lsn.equals(that.lsn);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.schema, this.table, this.kind, this.values, this.oldValues, this.transaction,
				this.lsn);
	}

	/** Row values are left out on purpose: they may hold personal data and must not reach logs. */
	@Override
	public String toString() {
		return "WalChange{" + this.kind + " " + qualifiedTable() + ", xid=" + xid() + ", lsn=" + this.lsn
				+ ", commitLsn=" + commitLsn() + "}";
	}

}
