package dev.lode.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.lode.core.WatchedTable;
import dev.lode.spring.listener.WalChangeFilter;
import dev.lode.spring.listener.WalChangeListenerFactory;

/**
 * Derives the tables lode must stream from the registered {@code @OnWalChange} listeners.
 */
final class WatchedTables {

	private WatchedTables() {
	}

	static List<WatchedTable> of(WalChangeListenerFactory factory) {
		List<WatchedTable> tables = new ArrayList<>();
		for (WalChangeFilter filter : factory.getFilters()) {
			String schema = filter.schema().isEmpty() ? null : filter.schema();
			if (filter.tables().isEmpty()) {
				tables.add(new WatchedTable(schema, null, filter.kinds()));
			}
			for (String table : filter.tables()) {
				tables.add(new WatchedTable(schema, table, filter.kinds()));
			}
		}
		return tables;
	}

}
