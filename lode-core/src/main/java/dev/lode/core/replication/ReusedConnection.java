package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain connection opened on first use, opened again once closed or lost, and closed quietly: for work that
 * comes back now and then on one thread at a time (heartbeats, snapshot chunks) and must not open a connection each
 * time.
 *
 * @since 0.2.0
 */
public final class ReusedConnection implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ReusedConnection.class);

	private final PgConnector connector;

	private final String purpose;

	private volatile @Nullable Connection connection;

	/**
	 * @param connector opens the connection
	 * @param purpose what it is for, in log lines (e.g. {@code heartbeat})
	 */
	public ReusedConnection(PgConnector connector, String purpose) {
		this.connector = connector;
		this.purpose = purpose;
	}

	/**
	 * @return the open connection, opened now if there is none or it was closed
	 * @throws SQLException if it cannot be opened
	 */
	public Connection get() throws SQLException {
		Connection c = this.connection;
		if (c == null || c.isClosed()) {
			c = this.connector.openPlain();
			this.connection = c;
		}
		return c;
	}

	/** Closes the connection, if open; the next {@link #get()} opens another. */
	@Override
	public void close() {
		Connection c = this.connection;
		this.connection = null;
		if (c != null) {
			try {
				c.close();
			}
			catch (SQLException ex) {
				logger.debug("Closing the {} connection failed", this.purpose, ex);
			}
		}
	}

}
