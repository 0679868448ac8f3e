package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * What the server says about a slot right now, for health and metrics.
 *
 * @param exists whether the slot exists
 * @param active whether a walsender streams from it
 * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost} (PG 13+)
 * @param retainedWalBytes WAL the slot keeps on the server: current WAL position minus the slot's
 * {@code restart_lsn}
 * @param confirmedLagBytes current WAL position minus the slot's {@code confirmed_flush_lsn}
 * @param failover whether it is a failover slot (PostgreSQL 17+, {@code null} before)
 * @param standbySlots the server's {@code synchronized_standby_slots}: the physical slots of the standbys that the
 * primary waits for before logical decoding sends a change ({@code null} when unset or unknown)
 * @param activeStandbySlots how many of those have a standby connected now
 * @since 0.1.0
 */
public record SlotStatus(boolean exists, boolean active, @Nullable String walStatus, long retainedWalBytes,
		long confirmedLagBytes, @Nullable Boolean failover, @Nullable String standbySlots, long activeStandbySlots) {

	private static final String STANDBY_SLOTS = "nullif(current_setting('synchronized_standby_slots', true), '')";

	private static final String QUERY = "select active, wal_status,"
			+ " coalesce((pg_current_wal_lsn() - restart_lsn)::bigint, 0),"
			+ " coalesce((pg_current_wal_lsn() - confirmed_flush_lsn)::bigint, 0),"
			+ " (to_jsonb(s) ->> 'failover')::boolean, " + STANDBY_SLOTS + ","
			+ " (select count(*) from pg_replication_slots p where p.slot_type = 'physical' and p.active and p.slot_name"
			+ " = any(string_to_array(replace(coalesce(" + STANDBY_SLOTS + ", ''), ' ', ''), ',')))"
			+ " from pg_replication_slots s where slot_name = ?";

	/**
	 * Reads the slot's status.
	 * @param settings the settings (connection and slot name)
	 * @return the status
	 * @throws SQLException when the database cannot be asked
	 */
	public static SlotStatus read(ReplicationSettings settings) throws SQLException {
		try (Connection connection = new PgConnector(settings).openMonitor();
				PreparedStatement statement = connection.prepareStatement(QUERY)) {
			statement.setString(1, settings.slotName());
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return new SlotStatus(false, false, null, 0, 0, null, null, 0);
				}
				boolean isFailover = rs.getBoolean(5);
				Boolean failover = rs.wasNull() ? null : isFailover; // no such column before PostgreSQL 17
				return new SlotStatus(true, rs.getBoolean(1), rs.getString(2), rs.getLong(3), rs.getLong(4), failover,
						rs.getString(6), rs.getLong(7));
			}
		}
	}

	/** @return whether PostgreSQL invalidated the slot (changes were lost) */
	public boolean isLost() {
		return "lost".equals(this.walStatus);
	}

}
