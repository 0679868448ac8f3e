package dev.lode.core.replication;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

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

	private final long intervalNanos;

	private final ReusedConnection connection;

	Heartbeat(PgConnector connector, Duration interval) {
		this.connection = new ReusedConnection(connector, "heartbeat");
		this.intervalNanos = interval.toNanos();
	}

	long intervalNanos() {
		return this.intervalNanos;
	}

	void emit() {
		try {
			try (Statement statement = this.connection.get().createStatement()) {
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
		this.connection.close();
	}

}
