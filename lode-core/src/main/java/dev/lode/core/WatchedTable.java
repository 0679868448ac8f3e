package dev.lode.core;

import java.util.EnumSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A table (or all tables) a listener watches, with the kinds of change it wants. Used to check the
 * tables at startup and to filter on the server.
 *
 * @param schema the schema, or {@code null} for any schema
 * @param table the table, or {@code null} for all tables
 * @param kinds the kinds of change wanted (never empty)
 * @since 0.1.0
 */
public record WatchedTable(@Nullable String schema, @Nullable String table, Set<ChangeKind> kinds) {

	/**
	 * Copies the kinds.
	 */
	public WatchedTable {
		kinds = kinds.isEmpty() ? Set.copyOf(EnumSet.allOf(ChangeKind.class)) : Set.copyOf(kinds);
	}

	/** @return whether this stands for every table */
	public boolean isAllTables() {
		return this.table == null;
	}

	/** @return whether UPDATE or DELETE changes are wanted (they need a replica identity) */
	public boolean needsReplicaIdentity() {
		return this.kinds.contains(ChangeKind.UPDATE) || this.kinds.contains(ChangeKind.DELETE);
	}

	@Override
	public String toString() {
		return ((this.schema != null) ? this.schema : "*") + "." + ((this.table != null) ? this.table : "*") + " "
				+ this.kinds;
	}

}
