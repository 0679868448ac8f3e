package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Whether a standby has lode's slot synchronised (PostgreSQL 17+, {@code sync_replication_slots}), where lode can
 * see it: the URL names several hosts ({@code jdbc:postgresql://db1,db2/app?targetServerType=primary}), so lode
 * asks the standby among them ({@code targetServerType=secondary}).
 *
 * @param exists whether the standby has a slot of the name
 * @param synced whether it is a synchronised slot (PostgreSQL 17+)
 * @param persistent whether the standby made it persistent, so it survives a promotion (a synchronised slot stays
 * temporary until the primary's slot moved past what the standby had when it first saw it)
 * @since 0.3.0
 */
public record StandbySlotStatus(boolean exists, boolean synced, boolean persistent) {

	private static final Pattern MULTI_HOST = Pattern.compile("^jdbc:postgresql://[^/]*,[^/]*/.*");

	private static final Pattern TARGET = Pattern.compile("(?i)([?&]targetServerType=)[^&]*");

	private static final String QUERY = "select coalesce((to_jsonb(s) ->> 'synced')::boolean, false), temporary"
			+ " from pg_replication_slots s where slot_name = ?";

	/**
	 * @param settings the settings (URL and slot)
	 * @return the standby's view of the slot, or {@code null} when the URL names one host
	 * @throws SQLException when no standby answers
	 */
	public static @Nullable StandbySlotStatus read(ReplicationSettings settings) throws SQLException {
		String url = settings.url();
		if (!MULTI_HOST.matcher(url).matches()) {
			return null;
		}
		try (Connection connection = new PgConnector(settings.withUrl(secondary(url))).openMonitor();
				PreparedStatement statement = connection.prepareStatement(QUERY)) {
			statement.setString(1, settings.slotName());
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return new StandbySlotStatus(false, false, false);
				}
				return new StandbySlotStatus(true, rs.getBoolean(1), !rs.getBoolean(2));
			}
		}
	}

	/** @return the URL with {@code targetServerType=secondary} */
	static String secondary(String url) {
		Matcher target = TARGET.matcher(url);
		if (target.find()) {
			return target.replaceFirst("$1secondary");
		}
		return url + (url.contains("?") ? "&" : "?") + "targetServerType=secondary";
	}

	/** @return how health and the endpoint say it */
	public String describe() {
		if (!this.exists) {
			return "missing";
		}
		if (!this.synced) {
			return "not synchronised";
		}
		return this.persistent ? "synchronised" : "synchronising (temporary until the primary's slot moves on)";
	}

}
