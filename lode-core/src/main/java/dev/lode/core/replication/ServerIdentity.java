package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which server lode streams from: its system identifier (the same on a primary and its physical standbys, another
 * after {@code initdb} or {@code pg_upgrade}), its timeline (one more after each promotion or point-in-time
 * recovery), and the process id of lode's walsender (so that the record is only written while lode holds the slot).
 *
 * @param systemId the server's system identifier
 * @param timeline the server's current timeline
 * @param walsenderPid the process id of the replication connection's walsender
 * @since 0.3.0
 */
public record ServerIdentity(String systemId, int timeline, int walsenderPid) {

	/**
	 * Asks the server, before {@code START_REPLICATION}.
	 * @param replication a replication connection (database mode) that did not start streaming
	 * @return the identity
	 * @throws SQLException when the server cannot be asked
	 */
	static ServerIdentity read(Connection replication) throws SQLException {
		try (Statement statement = replication.createStatement()) {
			String systemId;
			int timeline;
			try (ResultSet rs = statement.executeQuery("IDENTIFY_SYSTEM")) {
				rs.next();
				systemId = rs.getString(1);
				timeline = rs.getInt(2);
			}
			try (ResultSet rs = statement.executeQuery("select pg_backend_pid()")) {
				rs.next();
				return new ServerIdentity(systemId, timeline, rs.getInt(1));
			}
		}
	}

}
