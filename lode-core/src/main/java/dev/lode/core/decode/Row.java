package dev.lode.core.decode;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * Collects the columns of one change as a decoder reads them and builds the {@link WalChange}: converted values,
 * the raw text where it cannot be derived from the value, type names and unchanged TOASTed columns.
 *
 * @since 0.1.0
 */
final class Row {

	final Map<String, @Nullable Object> values = new LinkedHashMap<>();

	final Map<String, @Nullable Object> oldValues = new LinkedHashMap<>();

	private Map<String, String> raw = Collections.emptyMap();

	private Map<String, String> rawOld = Collections.emptyMap();

	private final Map<String, String> types;

	/** Whether {@link #types} is a relation's shared, complete map, which the row must not add to. */
	private final boolean sharedTypes;

	private Set<String> unchanged = Collections.emptySet();

	/** The table's key columns, as the plugin reported them (unmodifiable). */
	List<String> keyColumns = List.of();

	Row() {
		this.types = new LinkedHashMap<>();
		this.sharedTypes = false;
	}

	/**
	 * A row whose column types are known beforehand (pgoutput's relation): the changes share that map instead
	 * of each building its own.
	 * @param types every column's type name, in column order; unmodifiable
	 */
	Row(Map<String, String> types) {
		this.types = types;
		this.sharedTypes = true;
	}

	/**
	 * Adds a value converted from text.
	 * @param old whether it belongs to the old row / key
	 * @param name the column
	 * @param type its type
	 * @param typeName its type name, or {@code null}
	 * @param text its text, or {@code null} for NULL
	 * @param bareHexBytea whether a {@code bytea} is hex without {@code \x}
	 */
	void text(boolean old, String name, PgType type, @Nullable String typeName, @Nullable String text,
			boolean bareHexBytea) {
		Object value = null;
		if (text != null) {
			value = PgValues.convert(type, text, bareHexBytea);
			if (!PgValues.rawDerivable(type, value, text)) {
				raw(old, name, text);
			}
		}
		put(old, name, value, typeName);
	}

	/**
	 * Adds an already converted value.
	 * @param old whether it belongs to the old row / key
	 * @param name the column
	 * @param value the value
	 * @param typeName its type name, or {@code null}
	 * @param text the raw text if it cannot be derived from the value, else {@code null}
	 */
	void value(boolean old, String name, @Nullable Object value, @Nullable String typeName, @Nullable String text) {
		if (text != null) {
			raw(old, name, text);
		}
		put(old, name, value, typeName);
	}

	private void put(boolean old, String name, @Nullable Object value, @Nullable String typeName) {
		(old ? this.oldValues : this.values).put(name, value);
		if (typeName != null && !this.sharedTypes) {
			this.types.putIfAbsent(name, typeName);
		}
	}

	private void raw(boolean old, String name, String text) {
		if (old) {
			if (this.rawOld.isEmpty()) {
				this.rawOld = new HashMap<>();
			}
			this.rawOld.put(name, text);
		}
		else {
			if (this.raw.isEmpty()) {
				this.raw = new HashMap<>();
			}
			this.raw.put(name, text);
		}
	}

	void unchanged(String name, @Nullable String typeName) {
		if (this.unchanged.isEmpty()) {
			this.unchanged = new LinkedHashSet<>();
		}
		this.unchanged.add(name);
		if (typeName != null && !this.sharedTypes) {
			this.types.putIfAbsent(name, typeName);
		}
	}

	/**
	 * Copies a new value, with its raw text, to the old values (a key that did not change).
	 * @param name the column
	 */
	void copyToOld(String name) {
		if (this.values.containsKey(name)) {
			this.oldValues.put(name, this.values.get(name));
			String text = this.raw.get(name);
			if (text != null) {
				raw(true, name, text);
			}
		}
	}

	WalChange build(String schema, String table, ChangeKind kind, TransactionInfo transaction, Lsn lsn) {
		// a Row builds one change: the change adopts its fresh maps instead of copying them (hot path)
		return WalChange.adopt(schema, table, kind, this.values, this.oldValues, this.types, transaction, lsn, this.raw,
				this.rawOld, this.unchanged, this.keyColumns);
	}

}
