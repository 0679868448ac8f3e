package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.lode.core.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the server for its WAL position on a plain connection of its own, while the replication thread is busy
 * (listeners, back-pressure, a relay waiting for its broker): the stream reports the server's position only to the
 * thread that reads it, so without this the lag lode reports would stand still exactly while it grows. Run on the
 * status keeper's thread, which nothing of the stream or the listeners blocks.
 *
 * @since 0.4.0
 */
final class ServerPositionProbe implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ServerPositionProbe.class);

	/** The position WAL is written up to (on a standby, received up to: logical decoding there since 16). */
	static final String QUERY = "select (case when pg_is_in_recovery() then pg_last_wal_receive_lsn()"
			+ " else pg_current_wal_lsn() end)::text";

	private final ReusedConnection connection;

	private final ReplicationObserver observer;

	ServerPositionProbe(PgConnector connector, ReplicationObserver observer) {
		this.connection = new ReusedConnection(connector, "position");
		this.observer = observer;
	}

	/** Reads the server's position and reports it; a failure is logged at DEBUG (the stream will see it too). */
	void probe() {
		try {
			Connection c = this.connection.get();
			try (Statement statement = c.createStatement()) {
				statement.setQueryTimeout(5);
				try (ResultSet result = statement.executeQuery(QUERY)) {
					if (result.next() && result.getString(1) != null) {
						this.observer.serverPosition(Lsn.parse(result.getString(1)));
					}
				}
			}
		}
		catch (Exception ex) {
			this.connection.close();
			logger.debug("Could not read the server's WAL position", ex);
		}
	}

	@Override
	public void close() {
		this.connection.close();
	}

}
