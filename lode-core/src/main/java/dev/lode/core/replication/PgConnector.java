package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * Opens plain and replication connections for {@link ReplicationSettings}, turning connection errors
 * into {@link ReplicationSetupException}s that name the problem and the fix.
 *
 * @since 0.1.0
 */
public final class PgConnector {

	private final ReplicationSettings settings;

	/**
	 * @param settings the settings to connect with
	 */
	public PgConnector(ReplicationSettings settings) {
		this.settings = settings;
	}

	/**
	 * @return a plain SQL connection (autocommit) to the slot's database
	 * @throws SQLException on errors that are not setup problems
	 */
	public Connection openPlain() throws SQLException {
		Properties props = baseProperties();
		PGProperty.APPLICATION_NAME.set(props, "lode-" + this.settings.slotName() + "-admin");
		return open(props);
	}

	/**
	 * @return a plain connection with short timeouts, for health checks
	 * @throws SQLException on errors that are not setup problems
	 */
	public Connection openMonitor() throws SQLException {
		Properties props = baseProperties();
		PGProperty.APPLICATION_NAME.set(props, "lode-" + this.settings.slotName() + "-monitor");
		PGProperty.CONNECT_TIMEOUT.set(props, 2);
		PGProperty.SOCKET_TIMEOUT.set(props, 5);
		return open(props);
	}

	/**
	 * @return a walsender connection in database replication mode
	 * @throws SQLException on errors that are not setup problems
	 */
	public Connection openReplication() throws SQLException {
		Properties props = baseProperties();
		PGProperty.REPLICATION.set(props, "database");
		PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
		PGProperty.PREFER_QUERY_MODE.set(props, "simple");
		PGProperty.APPLICATION_NAME.set(props, "lode-" + this.settings.slotName());
		PGProperty.SOCKET_TIMEOUT.set(props, 0);
		return open(props);
	}

	private Properties baseProperties() {
		Properties props = new Properties();
		if (this.settings.username() != null) {
			PGProperty.USER.set(props, this.settings.username());
		}
		if (this.settings.password() != null) {
			PGProperty.PASSWORD.set(props, this.settings.password());
		}
		PGProperty.TCP_KEEP_ALIVE.set(props, true);
		PGProperty.CONNECT_TIMEOUT.set(props, 10);
		return props;
	}

	private Connection open(Properties props) throws SQLException {
		try {
			return DriverManager.getConnection(this.settings.url(), props);
		}
		catch (SQLException ex) {
			throw translate(ex);
		}
	}

	/**
	 * Turns a connection error into a setup error when its cause is the configuration.
	 * @param ex the error
	 * @return the translated exception, or {@code ex} itself
	 */
	SQLException translate(SQLException ex) {
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
		String url = this.settings.safeUrl();
		String user = effectiveUser();
		switch (state) {
			case "28P01", "28000" -> throw new ReplicationSetupException(
					"PostgreSQL rejected the login of user '" + user + "' at " + url + ": " + firstLine(ex),
					"Check lode.username / lode.password (or spring.datasource.*) and pg_hba.conf", ex);
			case "3D000" -> throw new ReplicationSetupException("The database in " + url + " does not exist",
					"Create the database or fix the database name in lode.url", ex);
			case "08001", "08004", "57P03" -> throw new ReplicationSetupException(
					"Cannot connect to PostgreSQL at " + url + ": " + firstLine(ex),
					"Check that the server runs and that host and port in lode.url are right", ex, true);
			case "42501" -> throw new ReplicationSetupException(
					"User '" + user + "' may not open a replication connection: " + firstLine(ex),
					"Grant the REPLICATION attribute: ALTER ROLE " + user + " REPLICATION;", ex);
			default -> {
				return ex;
			}
		}
	}

	/**
	 * The user pgjdbc logs in as: the URL's {@code user} parameter wins over the configured user name, and
	 * without either the driver takes the operating system's user name.
	 */
	String effectiveUser() {
		Properties parsed = Driver.parseURL(this.settings.url(), baseProperties());
		String user = (parsed != null) ? parsed.getProperty(PGProperty.USER.getName()) : null;
		if (user == null || user.isEmpty()) {
			user = (this.settings.username() != null) ? this.settings.username() : System.getProperty("user.name");
		}
		return user;
	}

	static String firstLine(SQLException ex) {
		String message = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline);
	}

}
