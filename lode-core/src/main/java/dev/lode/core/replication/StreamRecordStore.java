package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;

import dev.lode.core.Lsn;
import dev.lode.core.decode.PgIdentifiers;
import org.jspecify.annotations.Nullable;

/**
 * lode's record of each stream, outside the slot: the table {@value #TABLE} in the source database (so physical
 * replication carries it to a promoted standby and a restore brings it back), one row per slot: the server's
 * system identifier and timeline, the plugin, when lode created the slot, the last acknowledged position with its
 * time, and the <em>confirm limit</em>, the furthest position lode may have confirmed to the slot.
 *
 * <p>lode confirms positions to PostgreSQL only up to the confirm limit, and raises the limit by writing this row
 * (at most once per status interval, while lode holds the slot, and only after its stream has passed the row's
 * write, so a standby that synchronises the slot has the row too). Therefore the slot lode streamed from never has a
 * confirmed position beyond the row's limit, and a slot of the same name whose confirmed position is beyond it was
 * created or advanced by someone else. Created the first time lode streams (never per transaction).
 *
 * @since 0.3.0
 */
public final class StreamRecordStore {

	/** The table's name. */
	public static final String TABLE = "lode_stream_record";

	private static final String COLUMNS = "system_identifier, timeline, plugin, slot_created_at,"
			+ " slot_created_lsn::text, confirm_limit::text, acknowledged_lsn::text, acknowledged_at, last_gap,"
			+ " last_gap_at";

	private final @Nullable String schema;

	private final String slot;

	/**
	 * @param schema the table's schema, or {@code null} for the connection's current schema
	 * @param slot the slot whose row this store reads and writes
	 */
	public StreamRecordStore(@Nullable String schema, String slot) {
		this.schema = schema;
		this.slot = slot;
	}

	private String table() {
		return (this.schema != null) ? PgIdentifiers.quote(this.schema) + "." + TABLE : TABLE;
	}

	/** @return the table's name as SQL refers to it (with its schema when one is configured) */
	public String qualifiedTable() {
		return table();
	}

	/**
	 * @return the SQL that creates the table (with its schema, when one is configured)
	 */
	public String ddl() {
		String create = "create table if not exists " + table() + " (slot_name text primary key,"
				+ " system_identifier text not null, timeline integer not null, plugin text not null,"
				+ " slot_created_at timestamptz, slot_created_lsn pg_lsn, confirm_limit pg_lsn not null,"
				+ " acknowledged_lsn pg_lsn, acknowledged_at timestamptz, last_gap text, last_gap_at timestamptz,"
				+ " updated_at timestamptz not null default now())";
		return (this.schema != null) ? "create schema if not exists " + PgIdentifiers.quote(this.schema) + "; " + create
				: create;
	}

	/**
	 * Creates the table unless it exists; without the privilege to, fails with the SQL to run.
	 * @param connection a plain connection in auto-commit mode
	 * @throws SQLException on unexpected database errors
	 */
	void ensureTable(Connection connection) throws SQLException {
		String regclass = (this.schema != null) ? PgIdentifiers.quote(this.schema) + "." + TABLE : TABLE;
		try (PreparedStatement statement = connection.prepareStatement("select to_regclass(?) is not null")) {
			statement.setString(1, regclass);
			try (ResultSet rs = statement.executeQuery()) {
				if (rs.next() && rs.getBoolean(1)) {
					return;
				}
			}
		}
		try (Statement statement = connection.createStatement()) {
			for (String sql : ddl().split("; ")) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			if ("42501".equals(ex.getSQLState())) {
				throw new ReplicationSetupException("lode keeps a record of its stream in the table " + table()
						+ ", but may not create it: " + PgConnector.firstLine(ex),
						"Run as an owner of the schema: " + ddl() + "; then grant lode's user select, insert and update"
								+ " on it (or set lode.slot.record-schema to a schema lode's user may create tables in)",
						ex);
			}
			throw ex;
		}
	}

	/**
	 * @param connection a plain connection
	 * @return the slot's row, or {@code null} when there is none
	 * @throws SQLException on database errors
	 */
	@Nullable StreamRecord read(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("select " + COLUMNS + " from " + table() + " where slot_name = ?")) {
			statement.setString(1, this.slot);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				return new StreamRecord(this.slot, rs.getString(1), rs.getInt(2), rs.getString(3), instant(rs, 4),
						lsn(rs.getString(5)), Lsn.parse(rs.getString(6)), lsn(rs.getString(7)), instant(rs, 8),
						rs.getString(9), instant(rs, 10));
			}
		}
	}

	/**
	 * Records the stream as lode starts it (before {@code START_REPLICATION}): the server, the plugin, the slot's
	 * creation when lode created it, the gap when there was one; the confirm limit becomes the greater of the one
	 * recorded and the slot's confirmed position (both checked just before).
	 * @param connection a plain connection in auto-commit mode
	 * @param server the server
	 * @param plugin the output plugin
	 * @param slot the slot
	 * @param created whether lode created the slot just now
	 * @param gap the gap found, or {@code null}
	 * @return the record as written
	 * @throws SQLException on database errors
	 */
	StreamRecord opened(Connection connection, ServerIdentity server, String plugin, SlotInfo slot, boolean created,
			@Nullable StreamGap gap) throws SQLException {
		String sql = "insert into " + table() + " as r (slot_name, system_identifier, timeline, plugin, slot_created_at,"
				+ " slot_created_lsn, confirm_limit, last_gap, last_gap_at) values (?, ?, ?, ?, case when ? then now() end,"
				+ " case when ? then ?::pg_lsn end, ?::pg_lsn, ?, case when ? then now() end)"
				+ " on conflict (slot_name) do update set system_identifier = excluded.system_identifier,"
				+ " timeline = excluded.timeline, plugin = excluded.plugin,"
				+ " slot_created_at = case when ? then excluded.slot_created_at else r.slot_created_at end,"
				+ " slot_created_lsn = case when ? then excluded.slot_created_lsn else r.slot_created_lsn end,"
				+ " confirm_limit = case when ? then excluded.confirm_limit"
				+ " else greatest(r.confirm_limit, excluded.confirm_limit) end,"
				+ " last_gap = coalesce(excluded.last_gap, r.last_gap), last_gap_at = coalesce(excluded.last_gap_at, r.last_gap_at),"
				+ " updated_at = now()";
		boolean fresh = created || gap != null;
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			int i = 1;
			statement.setString(i++, this.slot);
			statement.setString(i++, server.systemId());
			statement.setInt(i++, server.timeline());
			statement.setString(i++, plugin);
			statement.setBoolean(i++, created);
			statement.setBoolean(i++, created);
			statement.setString(i++, slot.confirmedFlushLsn().toString());
			statement.setString(i++, slot.confirmedFlushLsn().toString());
			statement.setString(i++, (gap != null) ? gap.message() : null);
			statement.setBoolean(i++, gap != null);
			statement.setBoolean(i++, created);
			statement.setBoolean(i++, created);
			statement.setBoolean(i++, fresh);
			statement.executeUpdate();
		}
		StreamRecord written = read(connection);
		if (written == null) {
			throw new IllegalStateException("The record of slot '" + this.slot + "' vanished right after it was written");
		}
		return written;
	}

	/**
	 * Raises the confirm limit to the server's current WAL insert position and records the acknowledged position,
	 * only while lode's walsender holds the slot (so the row never vouches for a slot lode does not stream from).
	 * @param connection a plain connection in auto-commit mode
	 * @param walsenderPid the process id of lode's walsender
	 * @param acknowledged what lode's listeners completed
	 * @return the new limit and the WAL position after the write, or {@code null} when lode does not hold the slot
	 * @throws SQLException on database errors
	 */
	@Nullable Advanced advance(Connection connection, int walsenderPid, Lsn acknowledged) throws SQLException {
		Lsn limit;
		try (PreparedStatement statement = connection.prepareStatement("update " + table()
				+ " set confirm_limit = greatest(confirm_limit, pg_current_wal_insert_lsn()), acknowledged_lsn = ?::pg_lsn,"
				+ " acknowledged_at = now(), updated_at = now() where slot_name = ? and exists (select 1 from"
				+ " pg_replication_slots where slot_name = ? and active_pid = ?) returning confirm_limit::text")) {
			statement.setString(1, acknowledged.toString());
			statement.setString(2, this.slot);
			statement.setString(3, this.slot);
			statement.setInt(4, walsenderPid);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				limit = Lsn.parse(rs.getString(1));
			}
		}
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select pg_current_wal_insert_lsn()::text")) {
			rs.next();
			return new Advanced(limit, Lsn.parse(rs.getString(1)));
		}
	}

	/**
	 * A raised confirm limit.
	 *
	 * @param limit the new confirm limit
	 * @param writtenBy a WAL position at or after the write's commit: the limit holds once the stream passed it
	 */
	record Advanced(Lsn limit, Lsn writtenBy) {

	}

	private static @Nullable Lsn lsn(@Nullable String text) {
		return (text != null) ? Lsn.parse(text) : null;
	}

	private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
