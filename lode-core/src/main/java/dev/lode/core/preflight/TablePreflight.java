package dev.lode.core.preflight;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.lode.core.WatchedTable;
import dev.lode.core.replication.ReplicationSetupException;

/**
 * Checks the tables that listeners watch: each must exist, and a table whose UPDATE or DELETE
 * changes are wanted must have a primary key or a replica identity (wal2json silently drops those
 * changes otherwise, and pgoutput makes the application's own UPDATE/DELETE fail).
 *
 * @since 0.1.0
 */
public final class TablePreflight {

	private static final String FIND = "select n.nspname, c.relname, c.relreplident,"
			+ " exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary),"
			+ " exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisreplident)"
			+ " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
			+ " where c.relkind in ('r', 'p') and c.relname = ? and (? or n.nspname = ?)"
			+ " and n.nspname not in ('pg_catalog', 'information_schema')";

	private TablePreflight() {
	}

	/**
	 * Checks the tables; names are bound as parameters, never spliced into SQL.
	 * @param connection a plain connection to the database
	 * @param tables the watched tables (entries for all tables are not checked)
	 * @throws SQLException on database errors
	 * @throws ReplicationSetupException naming the first table that is missing or lacks an identity
	 */
	public static void check(Connection connection, List<WatchedTable> tables) throws SQLException {
		List<String> problems = new ArrayList<>();
		List<String> fixes = new ArrayList<>();
		for (WatchedTable watched : tables) {
			if (watched.isAllTables()) {
				continue;
			}
			List<Row> rows = find(connection, watched);
			String name = ((watched.schema() != null) ? watched.schema() + "." : "") + watched.table();
			if (rows.isEmpty()) {
				problems.add("table '" + name + "' does not exist");
				fixes.add("create table " + name + " or fix @OnWalChange(table = \"" + watched.table() + "\""
						+ ((watched.schema() != null) ? ", schema = \"" + watched.schema() + "\"" : "") + ")");
				continue;
			}
			if (watched.needsReplicaIdentity()) {
				for (Row row : rows) {
					if (!row.hasIdentity()) {
						String qualified = quote(row.schema) + "." + quote(row.table);
						problems.add("table '" + row.schema + "." + row.table
								+ "' has no primary key or replica identity, so PostgreSQL cannot decode its"
								+ " UPDATE and DELETE changes (wal2json drops them)");
						fixes.add("add a primary key to " + qualified + " or run ALTER TABLE " + qualified
								+ " REPLICA IDENTITY FULL");
					}
				}
			}
		}
		if (!problems.isEmpty()) {
			throw new ReplicationSetupException("Listeners watch tables lode cannot stream: " + String.join("; ", problems),
					"Fix the tables or the listeners: " + String.join("; ", fixes));
		}
	}

	private static List<Row> find(Connection connection, WatchedTable watched) throws SQLException {
		List<Row> rows = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(FIND)) {
			statement.setString(1, watched.table());
			statement.setBoolean(2, watched.schema() == null);
			statement.setString(3, (watched.schema() != null) ? watched.schema() : "");
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
							rs.getBoolean(5)));
				}
			}
		}
		return rows;
	}

	private static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

	private record Row(String schema, String table, String replicaIdentity, boolean hasPrimaryKey,
			boolean hasIdentityIndex) {

		boolean hasIdentity() {
			return switch (this.replicaIdentity) {
				case "f" -> true;
				case "i" -> this.hasIdentityIndex;
				case "n" -> false;
				default -> this.hasPrimaryKey;
			};
		}

	}

}
