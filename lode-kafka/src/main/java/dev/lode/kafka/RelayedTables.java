package dev.lode.kafka;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.core.WatchedTable;
import org.jspecify.annotations.Nullable;

/**
 * A list of tables from the relay's configuration: {@code table} (any schema), {@code schema.table} (split at
 * the first dot) or {@code *} (every table).
 *
 * @since 0.2.0 (public in {@code dev.lode.kafka} since 0.4.0)
 */
public final class RelayedTables {

	private final List<Name> names;

	private final boolean all;

	private RelayedTables(List<Name> names, boolean all) {
		this.names = names;
		this.all = all;
	}

	/**
	 * @param entries {@code table}, {@code schema.table} or {@code *}; blank entries are ignored
	 * @return the tables
	 */
	public static RelayedTables of(List<String> entries) {
		List<Name> names = new ArrayList<>();
		boolean all = false;
		for (String entry : entries) {
			String text = entry.trim();
			if (text.isEmpty()) {
				continue;
			}
			if (text.equals("*")) {
				all = true;
				continue;
			}
			int dot = text.indexOf('.');
			names.add((dot > 0) ? new Name(text.substring(0, dot), text.substring(dot + 1)) : new Name(null, text));
		}
		return new RelayedTables(List.copyOf(names), all);
	}

	/** @return whether no table is named */
	public boolean isEmpty() {
		return !this.all && this.names.isEmpty();
	}

	/**
	 * @param change a change
	 * @return whether it is of one of these tables
	 */
	public boolean matches(WalChange change) {
		if (this.all) {
			return true;
		}
		for (Name name : this.names) {
			if (name.table().equals(change.table()) && (name.schema() == null || name.schema().equals(change.schema()))) {
				return true;
			}
		}
		return false;
	}

	/** @return what lode must stream for these tables, the given kinds of change */
	public List<WatchedTable> watched(Set<ChangeKind> kinds) {
		List<WatchedTable> watched = new ArrayList<>();
		if (this.all) {
			watched.add(new WatchedTable(null, null, kinds));
			return watched;
		}
		for (Name name : this.names) {
			watched.add(new WatchedTable(name.schema(), name.table(), kinds));
		}
		return watched;
	}

	/** @return every kind of change */
	public static Set<ChangeKind> allKinds() {
		return EnumSet.allOf(ChangeKind.class);
	}

	private record Name(@Nullable String schema, String table) {
	}

}
