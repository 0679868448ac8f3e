package dev.lode.core.replication;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lode.core.WatchedTable;
import dev.lode.core.decode.DecoderSetup;
import dev.lode.core.decode.TableColumns;
import dev.lode.core.decode.WalDecoder;

/**
 * Provides what a decoder's {@link WalDecoder#setup()} asks for, on a plain connection, before the slot is
 * looked up or created: pgoutput's publication ({@link PublicationManager}), the watched tables' columns
 * for wal2json ({@link TableColumns}); then tells the decoder ({@link WalDecoder#prepared}).
 *
 * @since 0.1.0
 */
public final class DecoderPreparation {

	private static final String QUERY = "select n.nspname, c.relname, c.relreplident = 'f',"
			+ " array_agg(a.attname::text order by a.attnum),"
			// the primary key's columns, in key order
			+ " (select array_agg(ka.attname::text order by k.ord) from pg_index i"
			+ " cross join unnest(i.indkey) with ordinality k(attnum, ord)"
			+ " join pg_attribute ka on ka.attrelid = i.indrelid and ka.attnum = k.attnum"
			+ " where i.indrelid = c.oid and i.indisprimary)"
			+ " from pg_class c"
			+ " join pg_namespace n on n.oid = c.relnamespace"
			+ " join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
			+ " where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')"
			+ " and n.nspname not like 'pg\\_toast%' and (? or c.relname = any (?))"
			+ " group by c.oid, n.nspname, c.relname, c.relreplident";

	private DecoderPreparation() {
	}

	/**
	 * @param plain a plain connection to the slot's database
	 * @param decoder the decoder of the stream to come
	 * @param slotExists whether the replication slot exists already
	 * @throws SQLException on unexpected database errors
	 * @throws ReplicationSetupException when the publication cannot be used or created
	 */
	public static void prepare(Connection plain, WalDecoder decoder, boolean slotExists) throws SQLException {
		TableColumns columns = TableColumns.NONE;
		for (DecoderSetup setup : decoder.setup()) {
			if (setup instanceof DecoderSetup.Publication publication) {
				new PublicationManager(plain).ensure(publication.name(), publication.tables(), publication.managed(),
						slotExists);
			}
			else if (setup instanceof DecoderSetup.Catalog catalog) {
				columns = readColumns(plain, catalog.tables());
			}
		}
		decoder.prepared(plain.getMetaData().getDatabaseMajorVersion(), columns);
	}

	/**
	 * Reads the tables that changes may come from.
	 * @param connection a plain connection to the slot's database
	 * @param watched the watched tables; empty, or an entry for all tables, means every table
	 * @return what the catalog says
	 * @throws SQLException on database errors
	 */
	static TableColumns readColumns(Connection connection, List<WatchedTable> watched) throws SQLException {
		boolean all = watched.isEmpty() || watched.stream().anyMatch(WatchedTable::isAllTables);
		Set<String> names = new LinkedHashSet<>();
		watched.stream().filter((t) -> !t.isAllTables()).forEach((t) -> names.add(String.valueOf(t.table())));
		Map<String, TableColumns.Table> tables = new HashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
			statement.setBoolean(1, all);
			Array array = connection.createArrayOf("text", names.toArray());
			statement.setArray(2, array);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					String schema = rs.getString(1);
					String table = rs.getString(2);
					if (all || watches(watched, schema, table)) {
						Object[] columns = (Object[]) rs.getArray(4).getArray();
						List<String> list = new ArrayList<>(columns.length);
						for (Object column : columns) {
							list.add((String) column);
						}
						java.sql.Array keyArray = rs.getArray(5);
						List<String> keys = new ArrayList<>();
						if (keyArray != null) {
							for (Object column : (Object[]) keyArray.getArray()) {
								keys.add((String) column);
							}
						}
						tables.put(TableColumns.key(schema, table),
								new TableColumns.Table(List.copyOf(list), rs.getBoolean(3), List.copyOf(keys)));
					}
				}
			}
			array.free();
		}
		return TableColumns.of(tables);
	}

	private static boolean watches(List<WatchedTable> watched, String schema, String table) {
		return watched.stream()
			.anyMatch((t) -> table.equals(t.table()) && (t.schema() == null || schema.equals(t.schema())));
	}

}
