package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.lode.core.ChangeKind;
import dev.lode.core.WatchedTable;
import dev.lode.core.decode.PgIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and creates the publication pgoutput streams from, over a plain SQL connection.
 *
 * <p>A publication must exist before the slot: pgoutput reads it through the historic catalog snapshot, so
 * a slot created before its publication fails on older changes with {@code publication "x" does not exist}
 * and stays stuck. Therefore a missing publication is created only while the slot does not exist yet; if the
 * slot exists, {@link #ensure} fails with a {@link ReplicationSetupException}.
 *
 * <p>A created publication lists the watched tables ({@code FOR TABLE}; a listener without schema adds the
 * table of every schema that has it) or, when a listener watches all tables, is {@code FOR ALL TABLES}, and
 * publishes only the kinds of change listeners watch. Before publishing UPDATE or DELETE for a table without
 * a replica identity (which would make the application's own UPDATE and DELETE on it fail), it fails instead.
 * An existing publication that lode does not manage is used as it is; one it manages gets the missing tables
 * and actions added. Identifiers are always quoted.
 *
 * @since 0.1.0
 */
public final class PublicationManager {

	private static final Logger logger = LoggerFactory.getLogger(PublicationManager.class);

	private static final String USER_TABLES = "select n.nspname, c.relname from pg_class c"
			+ " join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p')"
			+ " and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'"
			+ " and n.nspname not like 'pg\\_temp%' and c.relpersistence = 'p'";

	private static final String WITHOUT_IDENTITY = " and c.relkind = 'r' and (c.relreplident = 'n'"
			+ " or (c.relreplident = 'd' and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary))"
			+ " or (c.relreplident = 'i' and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisreplident)))";

	private final Connection connection;

	/**
	 * @param connection a plain connection to the slot's database
	 */
	public PublicationManager(Connection connection) {
		this.connection = connection;
	}

	/**
	 * @param identifier a name as it is in the catalog
	 * @return the name as a quoted SQL identifier: {@code "My ""odd"" name"}
	 */
	public static String quoteIdentifier(String identifier) {
		return PgIdentifiers.quote(identifier);
	}

	/**
	 * Makes sure the publication exists; see the class description.
	 * @param name the publication name (real, case-sensitive)
	 * @param watched the tables listeners watch; empty for all tables
	 * @param managed whether lode owns the publication (may add to it) rather than the user
	 * @param slotExists whether the replication slot exists already
	 * @throws SQLException on unexpected database errors
	 * @throws ReplicationSetupException when the publication cannot be used or created
	 */
	public void ensure(String name, List<WatchedTable> watched, boolean managed, boolean slotExists)
			throws SQLException {
		Existing existing = find(name);
		Needed needed = needed(watched);
		if (existing != null) {
			if (managed) {
				extend(name, existing, needed);
			}
			else {
				logger.info("Streaming from the existing publication '{}'", name);
			}
			return;
		}
		if (slotExists) {
			throw new ReplicationSetupException("The publication '" + name + "' does not exist, but the replication"
					+ " slot does: a publication created after its slot is not seen for the changes the slot still has"
					+ " to send (pgoutput fails with 'publication does not exist')",
					"Create the publication and then recreate the slot (changes since the slot's position are lost): "
							+ createSql(name, needed) + "; select pg_drop_replication_slot('<slot>');"
							+ " or set the publication to one that existed before the slot was created");
		}
		create(name, needed);
	}

	/**
	 * @param name a publication name
	 * @return whether it exists in the connection's database
	 * @throws SQLException on database errors
	 */
	public boolean exists(String name) throws SQLException {
		return find(name) != null;
	}

	private Existing find(String name) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement(
				"select puballtables, pubinsert, pubupdate, pubdelete, pubtruncate from pg_publication where pubname = ?")) {
			statement.setString(1, name);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				Set<ChangeKind> kinds = EnumSet.noneOf(ChangeKind.class);
				if (rs.getBoolean(2)) {
					kinds.add(ChangeKind.INSERT);
				}
				if (rs.getBoolean(3)) {
					kinds.add(ChangeKind.UPDATE);
				}
				if (rs.getBoolean(4)) {
					kinds.add(ChangeKind.DELETE);
				}
				if (rs.getBoolean(5)) {
					kinds.add(ChangeKind.TRUNCATE);
				}
				return new Existing(rs.getBoolean(1), kinds);
			}
		}
	}

	private Needed needed(List<WatchedTable> watched) throws SQLException {
		Set<ChangeKind> kinds = EnumSet.noneOf(ChangeKind.class);
		Set<String> tables = new LinkedHashSet<>();
		boolean all = watched.isEmpty();
		for (WatchedTable table : watched) {
			kinds.addAll(table.kinds());
			if (table.isAllTables()) {
				all = true;
			}
			else if (!all) {
				tables.addAll(resolve(table));
			}
		}
		if (watched.isEmpty()) {
			kinds.addAll(EnumSet.allOf(ChangeKind.class));
		}
		// snapshot rows are read from the tables, not published
		kinds.remove(ChangeKind.SNAPSHOT);
		return new Needed(all, all ? List.of() : new ArrayList<>(tables), kinds);
	}

	/** @return the quoted names of the tables the entry stands for */
	private List<String> resolve(WatchedTable table) throws SQLException {
		List<String> names = new ArrayList<>();
		try (PreparedStatement statement = this.connection
			.prepareStatement(USER_TABLES + " and c.relname = ? and (? or n.nspname = ?) order by 1, 2")) {
			statement.setString(1, table.table());
			statement.setBoolean(2, table.schema() == null);
			statement.setString(3, (table.schema() != null) ? table.schema() : "");
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					names.add(quoteIdentifier(rs.getString(1)) + "." + quoteIdentifier(rs.getString(2)));
				}
			}
		}
		if (names.isEmpty()) {
			throw new ReplicationSetupException("Table '" + table.table() + "' does not exist, so it cannot be published",
					"Create the table or fix the listener");
		}
		return names;
	}

	private static String publish(Set<ChangeKind> kinds) {
		List<String> actions = new ArrayList<>();
		for (ChangeKind kind : kinds) {
			actions.add(kind.name().toLowerCase(Locale.ROOT));
		}
		return String.join(", ", actions);
	}

	static String createSql(String name, Needed needed) {
		return "CREATE PUBLICATION " + quoteIdentifier(name)
				+ (needed.allTables ? " FOR ALL TABLES" : " FOR TABLE " + String.join(", ", needed.tables))
				+ " WITH (publish = '" + publish(needed.kinds) + "')";
	}

	private void create(String name, Needed needed) throws SQLException {
		checkIdentities(needed, needed.allTables ? List.of() : needed.tables);
		String sql = createSql(name, needed);
		try (Statement statement = this.connection.createStatement()) {
			statement.execute(sql);
			logger.info("Created publication '{}': {}", name, sql);
		}
		catch (SQLException ex) {
			if ("42710".equals(ex.getSQLState())) {
				return; // created concurrently
			}
			if ("42501".equals(ex.getSQLState())) {
				throw new ReplicationSetupException("lode may not create the publication '" + name + "': "
						+ PgConnector.firstLine(ex),
						"Create it as a superuser or the tables' owner (" + sql
								+ "), or set the publication to an existing one",
						ex);
			}
			throw ex;
		}
	}

	/** Fails before publishing UPDATE/DELETE for tables without a replica identity (their writes would fail). */
	private void checkIdentities(Needed needed, List<String> tables) throws SQLException {
		if (!needed.kinds.contains(ChangeKind.UPDATE) && !needed.kinds.contains(ChangeKind.DELETE)) {
			return;
		}
		List<String> lacking = new ArrayList<>();
		try (Statement statement = this.connection.createStatement();
				ResultSet rs = statement.executeQuery(USER_TABLES + WITHOUT_IDENTITY + " order by 1, 2")) {
			while (rs.next()) {
				String qualified = quoteIdentifier(rs.getString(1)) + "." + quoteIdentifier(rs.getString(2));
				if (needed.allTables || tables.contains(qualified)) {
					lacking.add(qualified);
				}
			}
		}
		if (!lacking.isEmpty()) {
			List<String> shown = lacking.subList(0, Math.min(10, lacking.size()));
			throw new ReplicationSetupException("A publication of UPDATE/DELETE for " + String.join(", ", shown)
					+ ((lacking.size() > shown.size()) ? " and " + (lacking.size() - shown.size()) + " more" : "")
					+ " would make the application's own UPDATE and DELETE on them fail: they have no primary key or"
					+ " replica identity",
					"Add a primary key or run ALTER TABLE ... REPLICA IDENTITY FULL on them, or create the publication"
							+ " yourself and configure its name");
		}
	}

	private void extend(String name, Existing existing, Needed needed) throws SQLException {
		if (needed.allTables && !existing.allTables) {
			throw new ReplicationSetupException("The publication '" + name + "' lists tables, but a listener watches all"
					+ " tables", "Drop the publication and the slot and let lode recreate both (changes since the slot's"
							+ " position are lost), or configure a publication FOR ALL TABLES");
		}
		List<String> statements = new ArrayList<>();
		if (!existing.allTables) {
			List<String> missing = new ArrayList<>(needed.tables);
			missing.removeAll(publishedTables(name));
			if (!missing.isEmpty()) {
				checkIdentities(needed, missing);
				statements.add("ALTER PUBLICATION " + quoteIdentifier(name) + " ADD TABLE " + String.join(", ", missing));
			}
		}
		if (!existing.kinds.containsAll(needed.kinds)) {
			Set<ChangeKind> kinds = EnumSet.copyOf(needed.kinds);
			kinds.addAll(existing.kinds);
			statements.add("ALTER PUBLICATION " + quoteIdentifier(name) + " SET (publish = '" + publish(kinds) + "')");
		}
		try (Statement statement = this.connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
				logger.info("Extended publication '{}' (effective for changes from now on): {}", name, sql);
			}
		}
	}

	private List<String> publishedTables(String name) throws SQLException {
		List<String> tables = new ArrayList<>();
		try (PreparedStatement statement = this.connection
			.prepareStatement("select schemaname, tablename from pg_publication_tables where pubname = ?")) {
			statement.setString(1, name);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					tables.add(quoteIdentifier(rs.getString(1)) + "." + quoteIdentifier(rs.getString(2)));
				}
			}
		}
		return tables;
	}

	private record Existing(boolean allTables, Set<ChangeKind> kinds) {
	}

	record Needed(boolean allTables, List<String> tables, Set<ChangeKind> kinds) {
	}

}
