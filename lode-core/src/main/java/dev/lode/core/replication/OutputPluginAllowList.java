package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The server's {@code output_plugin_libraries}: since PostgreSQL's security releases of August 2026
 * (15.19, 16.15, 17.11, 18.6 and the 14.x of the same day) only the plugins listed there may be used
 * for logical decoding, by superusers too; the default is {@code 'pgoutput, test_decoding'}, so
 * wal2json is refused until an administrator lists it. The refusal comes both when a slot is created
 * and at {@code START_REPLICATION} of an existing slot.
 *
 * <p>Read before every slot creation and stream start, so that lode stops with the fix instead of
 * the server's bare error. Where the setting cannot be read (a role without superuser or
 * {@code pg_read_all_settings}), the server's own refusal is recognised and explained the same way.
 *
 * <p>The parameter is a list: {@code ALTER SYSTEM SET output_plugin_libraries = 'a, b'} would store
 * one element named {@code "a, b"} and allow nothing, so the suggested SQL names every element as
 * its own literal.
 *
 * @since 0.1.0
 */
public final class OutputPluginAllowList {

	/** The server parameter. */
	public static final String PARAMETER = "output_plugin_libraries";

	/** The setting of a server that has the parameter and was not configured. */
	public static final List<String> SERVER_DEFAULT = List.of("pgoutput", "test_decoding");

	private final String plugin;

	private final String serverVersion;

	private final String user;

	private final Reading reading;

	private final @Nullable List<String> allowed;

	private enum Reading {

		/** The server has no such parameter: every installed plugin may be used. */
		ABSENT,
		/** The role may not read it. */
		HIDDEN,
		/** Read. */
		READ

	}

	private OutputPluginAllowList(String plugin, String serverVersion, String user, Reading reading,
			@Nullable List<String> allowed) {
		this.plugin = plugin;
		this.serverVersion = serverVersion;
		this.user = user;
		this.reading = reading;
		this.allowed = allowed;
	}

	/**
	 * Reads the setting.
	 * @param plain a plain connection in autocommit mode
	 * @param plugin the output plugin lode is configured for
	 * @return what the server allows
	 * @throws SQLException on database errors
	 */
	public static OutputPluginAllowList read(Connection plain, String plugin) throws SQLException {
		String version;
		String user;
		try (Statement statement = plain.createStatement();
				ResultSet rs = statement.executeQuery("select current_setting('server_version'), current_user,"
						+ " (select rolreplication or rolsuper from pg_roles where rolname = current_user)")) {
			rs.next();
			version = rs.getString(1).split(" ")[0];
			user = rs.getString(2);
			if (!rs.getBoolean(3)) {
				// the missing REPLICATION attribute is the first thing to fix, and the server says so itself
				return new OutputPluginAllowList(plugin, version, user, Reading.HIDDEN, null);
			}
		}
		try (Statement statement = plain.createStatement();
				ResultSet rs = statement.executeQuery("select current_setting('" + PARAMETER + "', true)")) {
			rs.next();
			String setting = rs.getString(1);
			return (setting != null) ? new OutputPluginAllowList(plugin, version, user, Reading.READ, parse(setting))
					: new OutputPluginAllowList(plugin, version, user, Reading.ABSENT, null);
		}
		catch (SQLException ex) {
			if (!"42501".equals(ex.getSQLState())) {
				throw ex;
			}
			return new OutputPluginAllowList(plugin, version, user, Reading.HIDDEN, null);
		}
	}

	/**
	 * The elements of a list setting as the server reads them: separated by commas, blanks around them
	 * ignored, double quotes around an element removed.
	 * @param setting the setting's text
	 * @return its elements
	 */
	static List<String> parse(String setting) {
		List<String> elements = new ArrayList<>();
		StringBuilder element = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < setting.length(); i++) {
			char c = setting.charAt(i);
			if (c == '"') {
				if (quoted && i + 1 < setting.length() && setting.charAt(i + 1) == '"') {
					element.append('"');
					i++;
				}
				else {
					quoted = !quoted;
				}
			}
			else if (c == ',' && !quoted) {
				add(elements, element);
			}
			else {
				element.append(c);
			}
		}
		add(elements, element);
		return elements;
	}

	private static void add(List<String> elements, StringBuilder element) {
		String text = element.toString().strip();
		if (!text.isEmpty()) {
			elements.add(text);
		}
		element.setLength(0);
	}

	/**
	 * @return whether the configured plugin is listed; {@code true} where the server has no such
	 * parameter or the setting cannot be read (the server then decides)
	 */
	public boolean allowsPlugin() {
		return this.allowed == null || this.allowed.stream().anyMatch(this::namesPlugin);
	}

	/** An element names a library by its name, or by a path ending in it ({@code $libdir/wal2json.so}). */
	private boolean namesPlugin(String element) {
		String name = element.substring(element.lastIndexOf('/') + 1);
		if (name.endsWith(".so")) {
			name = name.substring(0, name.length() - 3);
		}
		return name.equals(this.plugin);
	}

	/**
	 * Fails when the setting is known and does not list the plugin.
	 * @throws ReplicationSetupException naming the setting and both fixes
	 */
	public void check() {
		if (!allowsPlugin()) {
			throw refused(null);
		}
	}

	/**
	 * @param ex an error of slot creation or {@code START_REPLICATION}
	 * @return whether it is the server's refusal of the output plugin
	 */
	public static boolean isRefusal(SQLException ex) {
		if (!"42501".equals(ex.getSQLState())) {
			return false;
		}
		// the parameter's name is never translated, the message may be
		StringBuilder text = new StringBuilder(String.valueOf(ex.getMessage()));
		if (ex instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
			ServerErrorMessage server = psql.getServerErrorMessage();
			text.append(' ').append(server.getHint()).append(' ').append(server.getDetail());
		}
		String all = text.toString().toLowerCase(Locale.ROOT);
		return all.contains(PARAMETER) || all.contains("may not be used as an output plugin");
	}

	/**
	 * @param cause the server's refusal, if it came from the server
	 * @return the setup error that explains the refusal and how to lift it
	 */
	public ReplicationSetupException refused(@Nullable SQLException cause) {
		String current = switch (this.reading) {
			case READ -> "currently " + quoted(this.allowed);
			case HIDDEN -> "which role '" + this.user + "' may not read (it needs pg_read_all_settings); the server"
					+ " default is " + quoted(SERVER_DEFAULT);
			case ABSENT -> "which this server does not report";
		};
		List<String> base = (this.allowed != null) ? this.allowed : SERVER_DEFAULT;
		List<String> wanted = new ArrayList<>(base);
		if (wanted.stream().noneMatch(this::namesPlugin)) {
			wanted.add(this.plugin);
		}
		String sql = "ALTER SYSTEM SET " + PARAMETER + " = "
				+ wanted.stream().map((e) -> "'" + e.replace("'", "''") + "'").collect(Collectors.joining(", "))
				+ "; SELECT pg_reload_conf();";
		String problem = "PostgreSQL " + this.serverVersion + " refuses the output plugin '" + this.plugin
				+ "': it is not listed in the server parameter " + PARAMETER + " (" + current + "). Since the"
				+ " security releases of August 2026 (15.19, 16.15, 17.11, 18.6) only listed plugins may be used for"
				+ " logical decoding";
		String action = "As a superuser, list it (a reload is enough, no restart): " + sql
				+ ((this.reading == Reading.READ) ? "" : " (keep any other plugins your server lists)");
		if (!"pgoutput".equals(this.plugin)) {
			action += ". Or set lode.plugin=pgoutput: the built-in plugin that the default setting allows";
		}
		return new ReplicationSetupException(problem, action, cause);
	}

	private static String quoted(@Nullable List<String> elements) {
		return "'" + String.join(", ", (elements != null) ? elements : List.of()) + "'";
	}

}
