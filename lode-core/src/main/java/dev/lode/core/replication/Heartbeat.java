package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a non-transactional logical message ({@code pg_logical_emit_message}) while the stream is
 * idle. It travels through the slot like a change, proves the stream end to end, and its position
 * is acknowledged, so a slot whose tables are quiet keeps advancing.
 *
 * @since 0.1.0
 */
final class Heartbeat implements AutoCloseable {

	static final String PREFIX = "lode_heartbeat";

	private static final Logger logger = LoggerFactory.getLogger(Heartbeat.class);

	private final PgConnector connector;

	private final long intervalNanos;

	private @Nullable Connection connection;

	Heartbeat(PgConnector connector, Duration interval) {
		this.connector = connector;
		this.intervalNanos = interval.toNanos();
	}

	long intervalNanos() {
		return this.intervalNanos;
	}

	void emit() {
		try {
			Connection c = this.connection;
			if (c == null || c.isClosed()) {
				c = this.connector.openPlain();
				this.connection = c;
			}
			try (Statement statement = c.createStatement()) {
				statement.execute("select pg_logical_emit_message(false, '" + PREFIX + "', now()::text)");
			}
			logger.trace("Heartbeat written");
		}
		catch (SQLException | RuntimeException ex) {
			logger.warn("Could not write a heartbeat message: {}", ex.getMessage());
			close();
		}
	}

	@Override
	public void close() {
		Connection c = this.connection;
		this.connection = null;
		if (c != null) {
			try {
				c.close();
			}
			catch (SQLException ex) {
				logger.debug("Closing the heartbeat connection failed", ex);
			}
		}
	}

}
