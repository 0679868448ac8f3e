package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the server notices pgjdbc collects on the replication connection (otherwise an unbounded,
 * ever slower chain) and logs each distinct one once: wal2json's warning about a table without
 * replica identity is the only sign that it dropped that table's UPDATEs and DELETEs.
 *
 * @since 0.1.0
 */
final class ServerNotices {

	private static final Logger logger = LoggerFactory.getLogger(ServerNotices.class);

	private static final int MAX_REMEMBERED = 1000;

	private final Set<String> logged = new HashSet<>();

	void drain(Connection connection) {
		try {
			SQLWarning warning = connection.getWarnings();
			if (warning == null) {
				return;
			}
			connection.clearWarnings();
			for (; warning != null; warning = warning.getNextWarning()) {
				String text = warning.getMessage();
				if (this.logged.size() < MAX_REMEMBERED && this.logged.add(text)) {
					logger.warn("PostgreSQL: {}", text);
				}
			}
		}
		catch (SQLException ex) {
			logger.debug("Could not read server notices", ex);
		}
	}

}
