package dev.lode.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.lode.core.WatchedTable;
import dev.lode.spring.listener.WalChangeFilter;
import dev.lode.spring.listener.WalChangeListenerFactory;
import dev.lode.spring.listener.WalChangeListenerMethodAdapter;
import dev.lode.spring.listener.WalTransactionListenerMethodAdapter;

/**
 * Derives the tables a source must stream from its {@code @OnWalChange} listeners (and, for listeners
 * whose tables come from configuration, from their {@link ListenerTables}).
 */
final class WatchedTables {

	private WatchedTables() {
	}

	static List<WatchedTable> of(WalChangeListenerFactory factory, List<ListenerTables> configured, String source) {
		Map<String, ListenerTables> byId = configured.stream()
			.collect(Collectors.toMap(ListenerTables::listenerId, Function.identity(), (first, second) -> first));
		List<WatchedTable> tables = new ArrayList<>();
		for (WalChangeListenerMethodAdapter listener : factory.getListeners()) {
			if (!listener.getSourceName().equals(source)) {
				continue;
			}
			add(tables, listener.getListenerId(), listener.getFilter(), byId);
		}
		for (WalTransactionListenerMethodAdapter listener : factory.getTransactionListeners()) {
			if (!listener.getSourceName().equals(source)) {
				continue;
			}
			add(tables, listener.getListenerId(), listener.getFilter(), byId);
		}
		return tables;
	}

	private static void add(List<WatchedTable> tables, String listenerId, WalChangeFilter filter,
			Map<String, ListenerTables> configured) {
		ListenerTables listenerTables = configured.get(listenerId);
		if (listenerTables != null && filter.tables().isEmpty()) {
			tables.addAll(listenerTables.tables());
			return;
		}
		String schema = filter.schema().isEmpty() ? null : filter.schema();
		if (filter.tables().isEmpty()) {
			tables.add(new WatchedTable(schema, null, filter.kinds()));
		}
		for (String table : filter.tables()) {
			tables.add(new WatchedTable(schema, table, filter.kinds()));
		}
	}

}
