package dev.lode.core.decode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lode.core.ChangeKind;
import dev.lode.core.WatchedTable;
import org.jspecify.annotations.Nullable;

/**
 * Server-side filtering for wal2json, derived from the tables listeners watch: the {@code add-tables} option
 * (omitted when a listener watches all tables) and the {@code actions} option (the union of the kinds watched).
 * Names in {@code add-tables} are escaped for wal2json's list syntax (space and other whitespace, comma, period,
 * asterisk, backslash get a backslash); a listener without a schema becomes {@code *.table}. The {@code '} of the
 * replication command is not doubled here: the replication loop does that for every option value.
 *
 * @since 0.1.0
 */
public final class Wal2JsonFilter {

	/** No filtering: all tables, all kinds. */
	public static final Wal2JsonFilter ALL = new Wal2JsonFilter(null, EnumSet.allOf(ChangeKind.class), List.of());

	private final List<String> tables;

	private final boolean allTables;

	private final Set<ChangeKind> kinds;

	private final List<WatchedTable> watched;

	private Wal2JsonFilter(@Nullable List<String> tables, Set<ChangeKind> kinds, List<WatchedTable> watched) {
		this.watched = List.copyOf(watched);
		this.allTables = tables == null;
		this.tables = (tables != null) ? List.copyOf(tables) : List.of();
		this.kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
	}

	/**
	 * @param watched the tables listeners watch; empty means all tables and kinds
	 * @return the filter
	 */
	public static Wal2JsonFilter of(List<WatchedTable> watched) {
		if (watched.isEmpty()) {
			return ALL;
		}
		Set<ChangeKind> kinds = EnumSet.noneOf(ChangeKind.class);
		Set<String> tables = new LinkedHashSet<>();
		boolean all = false;
		for (WatchedTable table : watched) {
			kinds.addAll(table.kinds());
			if (table.isAllTables()) {
				all = true;
			}
			else {
				String schema = table.schema();
				tables.add(((schema != null) ? escape(schema) : "*") + "." + escape(String.valueOf(table.table())));
			}
		}
		return new Wal2JsonFilter(all ? null : new ArrayList<>(tables), kinds, watched);
	}

	/**
	 * @param name a schema or table name
	 * @return the name escaped for wal2json's table lists
	 */
	static String escape(String name) {
		StringBuilder sb = new StringBuilder(name.length() + 4);
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c == ' ' || c == ',' || c == '.' || c == '*' || c == '\\' || Character.isWhitespace(c)) {
				sb.append('\\');
			}
			sb.append(c);
		}
		return sb.toString();
	}

	/**
	 * @param formatVersion 1 or 2 (format 1 has no {@code truncate} action)
	 * @return the options to add: {@code add-tables} and {@code actions}, where they filter anything
	 */
	Map<String, String> options(int formatVersion) {
		Map<String, String> options = new LinkedHashMap<>();
		if (!this.allTables) {
			options.put("add-tables", String.join(",", this.tables));
		}
		Set<ChangeKind> available = EnumSet.allOf(ChangeKind.class);
		// snapshot rows are read from the tables, never decoded: wal2json has no such action
		available.remove(ChangeKind.SNAPSHOT);
		if (formatVersion == 1) {
			available.remove(ChangeKind.TRUNCATE);
		}
		Set<ChangeKind> wanted = EnumSet.copyOf(available);
		wanted.retainAll(this.kinds);
		if (!wanted.equals(available)) {
			List<String> actions = new ArrayList<>();
			for (ChangeKind kind : wanted) {
				actions.add(kind.name().toLowerCase(java.util.Locale.ROOT));
			}
			options.put("actions", String.join(",", actions));
		}
		return options;
	}

	/**
	 * All options lode sends to wal2json: the format, the metadata lode needs (xids, commit times,
	 * LSNs, types) and this filter.
	 * @param formatVersion 1 or 2
	 * @return the options, in order, unmodifiable
	 */
	Map<String, String> slotOptions(int formatVersion) {
		Map<String, String> options = new LinkedHashMap<>();
		options.put("format-version", Integer.toString(formatVersion));
		if (formatVersion == 2) {
			options.put("include-transaction", "1");
		}
		options.put("include-xids", "1");
		options.put("include-timestamp", "1");
		options.put("include-lsn", "1");
		options.put("include-types", "1");
		options.put("include-typmod", "0");
		options.putAll(options(formatVersion));
		return java.util.Collections.unmodifiableMap(options);
	}

	/** @return the watched tables the filter was made of; empty for all tables */
	List<WatchedTable> watched() {
		return this.watched;
	}

	/** @return whether every table is wanted */
	public boolean allTables() {
		return this.allTables;
	}

	/** @return the kinds of change wanted */
	public Set<ChangeKind> kinds() {
		return this.kinds;
	}

	@Override
	public String toString() {
		return "Wal2JsonFilter{" + (this.allTables ? "all tables" : String.join(",", this.tables)) + " " + this.kinds
				+ "}";
	}

}
