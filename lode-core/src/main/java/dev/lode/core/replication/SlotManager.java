package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.lode.core.Lsn;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, validates and creates the logical replication slot, over a plain SQL connection. Slot names
 * are validated by {@link ReplicationSettings} and passed as bind parameters, never spliced into SQL.
 *
 * @since 0.1.0
 */
public final class SlotManager {

	private static final Logger logger = LoggerFactory.getLogger(SlotManager.class);

	// failover and invalidation_reason exist from PostgreSQL 17 on: read through to_jsonb, null before
	private static final String FIND = "select plugin, database, active, active_pid, confirmed_flush_lsn::text,"
			+ " restart_lsn::text, wal_status, slot_type, (to_jsonb(s) ->> 'failover')::boolean,"
			+ " to_jsonb(s) ->> 'invalidation_reason' from pg_replication_slots s where slot_name = ?";

	private final Connection connection;

	private final boolean failover;

	/**
	 * @param connection a plain connection to the slot's database
	 */
	public SlotManager(Connection connection) {
		this(connection, false);
	}

	/**
	 * @param connection a plain connection to the slot's database
	 * @param failover whether slots are created as failover slots (PostgreSQL 17+; ignored before)
	 * @since 0.3.0
	 */
	public SlotManager(Connection connection, boolean failover) {
		this.connection = connection;
		this.failover = failover;
	}

	/**
	 * Checks the server and returns the slot, creating it when allowed.
	 * @param slotName the slot name (already validated)
	 * @param plugin the output plugin lode is configured for
	 * @param create whether to create a missing slot
	 * @return the slot as it is now
	 * @throws SQLException on unexpected database errors
	 * @throws ReplicationSetupException on problems of configuration or setup
	 */
	public SlotInfo ensureSlot(String slotName, String plugin, boolean create) throws SQLException {
		checkWalLevel();
		String database = queryString("select current_database()");
		SlotInfo slot = find(slotName);
		if (slot == null) {
			if (!create) {
				throw new ReplicationSetupException("Replication slot '" + slotName + "' does not exist (if lode"
						+ " streamed from it before, it was dropped, and the changes since then are lost)",
						"Create it (select pg_create_logical_replication_slot('" + slotName + "', '" + plugin
								+ "')), or set lode.slot.create=true and restart the application");
			}
			slot = create(slotName, plugin);
		}
		validate(slot, plugin, database);
		return slot;
	}

	/**
	 * @param slotName a slot name
	 * @return the slot, or {@code null} if there is none of that name
	 * @throws SQLException on database errors
	 */
	public @Nullable SlotInfo find(String slotName) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement(FIND)) {
			statement.setString(1, slotName);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				if (!"logical".equals(rs.getString(8))) {
					throw new ReplicationSetupException("Replication slot '" + slotName + "' is a physical slot",
							"Set lode.slot.name to another name; lode needs a logical slot");
				}
				int pid = rs.getInt(4);
				Integer activePid = rs.wasNull() ? null : pid;
				boolean isFailover = rs.getBoolean(9);
				Boolean failover = rs.wasNull() ? null : isFailover;
				return new SlotInfo(slotName, rs.getString(1), rs.getString(2), rs.getBoolean(3), activePid,
						lsn(rs.getString(5)), lsn(rs.getString(6)), rs.getString(7), failover, rs.getString(10));
			}
		}
	}

	private static Lsn lsn(@Nullable String text) {
		return (text != null) ? Lsn.parse(text) : Lsn.INVALID;
	}

	/**
	 * Fails unless the server's {@code wal_level} is {@code logical}.
	 * @throws SQLException on database errors
	 * @throws ReplicationSetupException if it is not
	 */
	public void checkWalLevel() throws SQLException {
		String walLevel = queryString("show wal_level");
		if (!"logical".equals(walLevel)) {
			throw new ReplicationSetupException(
					"PostgreSQL's wal_level is '" + walLevel + "', but logical decoding needs 'logical'",
					"Run ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL"
							+ " (on a managed service, enable logical replication in its parameter group)");
		}
	}

	private SlotInfo create(String slotName, String plugin) throws SQLException {
		boolean asFailover = failoverSlots();
		// failover: the fifth argument, from PostgreSQL 17 on
		try (PreparedStatement statement = this.connection.prepareStatement("select lsn::text from"
				+ (asFailover ? " pg_create_logical_replication_slot(?, ?, false, false, true)"
						: " pg_create_logical_replication_slot(?, ?)"))) {
			statement.setString(1, slotName);
			statement.setString(2, plugin);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				logger.info("Created logical replication slot '{}' with plugin {} at {}{}", slotName, plugin,
						rs.getString(1), asFailover ? " (a failover slot)" : "");
			}
		}
		catch (SQLException ex) {
			return createdConcurrently(ex, slotName, plugin);
		}
		return created(slotName);
	}

	/**
	 * @return the slot another instance created at the same moment (the creation failed with 42710)
	 * @throws SQLException the creation's failure, translated, when that is not what happened
	 */
	private SlotInfo createdConcurrently(SQLException ex, String slotName, String plugin) throws SQLException {
		SlotInfo existing = ("42710".equals(ex.getSQLState())) ? find(slotName) : null;
		if (existing != null) {
			return existing;
		}
		throw translateCreate(ex, slotName, plugin);
	}

	/** The slot just created. */
	private SlotInfo created(String slotName) throws SQLException {
		SlotInfo slot = find(slotName);
		if (slot == null) {
			throw new IllegalStateException("Slot '" + slotName + "' vanished right after it was created");
		}
		return slot;
	}

	/**
	 * Creates the slot over a replication connection, which exports the snapshot of its consistent point, and
	 * imports that snapshot into a REPEATABLE READ transaction, for the initial snapshot to read the tables in.
	 * @param connector opens the replication connection and the reading one
	 * @param slotName the slot name (already validated)
	 * @param plugin the output plugin
	 * @param initial records the initial snapshot before the slot exists
	 * @return the slot and the snapshot's transaction; without a transaction when another process created the
	 * slot at the same moment
	 * @throws Exception when recording or creating failed
	 */
	Created createWithSnapshot(PgConnector connector, String slotName, String plugin, InitialSnapshot initial)
			throws Exception {
		String database = queryString("select current_database()");
		initial.beforeSlotCreation(this.connection);
		Connection snapshot = null;
		Lsn consistentPoint;
		try (Connection creating = connector.openReplication()) {
			ReplicationSlotInfo created;
			try {
				created = creating.unwrap(PGConnection.class)
					.getReplicationAPI()
					.createReplicationSlot()
					.logical()
					.withSlotName(slotName)
					.withOutputPlugin(plugin)
					.make();
			}
			catch (SQLException ex) {
				SlotInfo existing = createdConcurrently(ex, slotName, plugin);
				validate(existing, plugin, database); // the other instance reads its snapshot
				return new Created(existing, null, existing.confirmedFlushLsn());
			}
			String snapshotName = created.getSnapshotName();
			if (snapshotName == null || !snapshotName.matches("[0-9A-Fa-f-]+")) {
				throw new IllegalStateException("Slot '" + slotName + "' was created without an exported snapshot ("
						+ snapshotName + "): the initial snapshot cannot be read at its consistent point");
			}
			consistentPoint = Lsn.of(created.getConsistentPoint().asLong());
			logger.info("Created logical replication slot '{}' with plugin {} at {}, for an initial snapshot",
					slotName, plugin, consistentPoint);
			snapshot = connector.openPlain();
			snapshot.setAutoCommit(false);
			snapshot.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			try (Statement statement = snapshot.createStatement()) {
				statement.execute("set transaction snapshot '" + snapshotName + "'");
			}
			// imported: the snapshot lives on in this transaction, the replication connection may go
		}
		catch (Exception ex) {
			if (snapshot != null) {
				snapshot.close();
			}
			throw ex;
		}
		SlotInfo slot;
		try {
			slot = created(slotName);
			validate(slot, plugin, database);
		}
		catch (RuntimeException | SQLException ex) {
			snapshot.close();
			throw ex;
		}
		return new Created(slot, snapshot, consistentPoint);
	}

	/**
	 * A slot created for an initial snapshot.
	 *
	 * @param slot the slot
	 * @param snapshot the transaction that imported the slot's snapshot, or {@code null} when another process
	 * created the slot
	 * @param consistentPoint the slot's consistent point
	 */
	record Created(SlotInfo slot, @Nullable Connection snapshot, Lsn consistentPoint) {

	}

	private SQLException translateCreate(SQLException ex, String slotName, String plugin) throws SQLException {
		if (OutputPluginAllowList.isRefusal(ex)) {
			throw OutputPluginAllowList.read(this.connection, plugin).refused(ex);
		}
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
		String message = PgConnector.firstLine(ex);
		String user = queryString("select current_user");
		switch (state) {
			case "42501" -> throw new ReplicationSetupException(
					"User '" + user + "' may not create replication slots: " + message,
					"Grant the REPLICATION attribute: ALTER ROLE " + user + " REPLICATION;", ex);
			case "58P01" -> throw new ReplicationSetupException(
					"The output plugin '" + plugin + "' is not installed on the PostgreSQL server: " + message,
					installHint(plugin), ex);
			case "53400" -> throw new ReplicationSetupException(
					"Cannot create slot '" + slotName + "': all replication slots are in use (" + message + ")",
					"Drop unused slots (select pg_drop_replication_slot(name)) or raise max_replication_slots"
							+ " and restart PostgreSQL",
					ex);
			case "55000" -> throw new ReplicationSetupException("Cannot create slot '" + slotName + "': " + message,
					"Run ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL", ex);
			default -> {
				return ex;
			}
		}
	}

	static String installHint(String plugin) {
		if ("wal2json".equals(plugin)) {
			return "Install wal2json on the database server (Debian/Ubuntu: apt-get install postgresql-<version>-wal2json;"
					+ " RPM: wal2json_<version>), or use the built-in pgoutput plugin";
		}
		return "Install the output plugin '" + plugin + "' on the database server";
	}

	private static void validate(SlotInfo slot, String plugin, String database) {
		if (!plugin.equals(slot.plugin())) {
			throw new ReplicationSetupException(
					"Replication slot '" + slot.name() + "' uses the output plugin '" + slot.plugin()
							+ "', but lode is configured for '" + plugin + "'",
					"Set lode.slot.name to a new slot name, or drop the old slot if nothing else uses it (select"
							+ " pg_drop_replication_slot('" + slot.name() + "'))");
		}
		if (!database.equals(slot.database())) {
			throw new ReplicationSetupException(
					"Replication slot '" + slot.name() + "' belongs to database '" + slot.database()
							+ "', but lode connects to database '" + database + "'",
					"Point lode.url at database '" + slot.database() + "' or set lode.slot.name to another name");
		}
	}

	/** @return whether slots lode creates are failover slots: asked for, and PostgreSQL 17 or later */
	private boolean failoverSlots() throws SQLException {
		return this.failover && this.connection.getMetaData().getDatabaseMajorVersion() >= 17;
	}

	/**
	 * Makes the slot a failover slot when lode creates failover slots and it is none yet (PostgreSQL 17+), over a
	 * replication connection that did not start streaming.
	 * @param replication the replication connection
	 * @param slot the slot
	 * @return the slot as it is now
	 * @throws SQLException on database errors
	 * @since 0.3.0
	 */
	SlotInfo ensureFailover(Connection replication, SlotInfo slot) throws SQLException {
		if (!Boolean.FALSE.equals(slot.failover()) || !failoverSlots()) {
			return slot;
		}
		try (Statement statement = replication.createStatement()) {
			// the name is validated ([a-z0-9_]); replication commands take no bind parameters
			statement.execute("ALTER_REPLICATION_SLOT " + slot.name() + " ( FAILOVER true )");
		}
		logger.info("Replication slot '{}' is a failover slot now", slot.name());
		SlotInfo altered = find(slot.name());
		return (altered != null) ? altered : slot;
	}

	/**
	 * Drops the slot (it must not be active).
	 * @param slotName the slot name
	 * @throws SQLException on database errors
	 * @since 0.3.0
	 */
	void drop(String slotName) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("select pg_drop_replication_slot(?)")) {
			statement.setString(1, slotName);
			statement.execute();
		}
		logger.info("Dropped replication slot '{}'", slotName);
	}

	private @Nullable String queryString(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			return rs.next() ? rs.getString(1) : null;
		}
	}

}
