package dev.lode.spring.boot.autoconfigure;

import java.util.List;

import dev.lode.core.WatchedTable;

/**
 * The tables a listener really needs, when its {@code @OnWalChange} names none because they come from
 * configuration (the Kafka relay): lode then streams these tables for it instead of every table. The listener
 * itself still receives every change that its annotation matches and must ignore the others.
 *
 * @param listenerId the listener's id ({@code @OnWalChange(id = ...)})
 * @param tables the tables and kinds to stream for it
 * @since 0.2.0
 */
public record ListenerTables(String listenerId, List<WatchedTable> tables) {

	/**
	 * Copies the tables.
	 */
	public ListenerTables {
		tables = List.copyOf(tables);
	}

}
