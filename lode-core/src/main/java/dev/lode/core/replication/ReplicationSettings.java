package dev.lode.core.replication;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.lode.core.WatchedTable;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of one replication stream.
 *
 * @param url the JDBC URL of the database that owns the slot, e.g.
 * {@code jdbc:postgresql://localhost:5432/app}
 * @param username the user name, or {@code null} to use the URL's
 * @param password the password, or {@code null} to use the URL's (never logged)
 * @param slotName the logical replication slot name ({@code [a-z0-9_]{1,63}})
 * @param createSlot whether to create the slot when it does not exist
 * @param statusInterval time between standby status updates sent to the server
 * @param tables the tables listeners watch (checked at startup); empty for all tables
 * @param heartbeatInterval time between heartbeat messages written while idle, zero for none
 * @param busyReadPause how long the replication thread lets messages gather before it reads again while the
 * stream is busy (see {@link #DEFAULT_BUSY_READ_PAUSE}); zero to read every message at once
 * @param guard how lode guards the end of the stream: gaps, failover slots, its record (since 0.3.0)
 * @since 0.1.0
 */
public record ReplicationSettings(String url, @Nullable String username, @Nullable String password, String slotName,
		boolean createSlot, Duration statusInterval, List<WatchedTable> tables, Duration heartbeatInterval,
		Duration busyReadPause, SlotGuard guard) {

	/** The default slot name. */
	public static final String DEFAULT_SLOT_NAME = "lode_main";

	/**
	 * The default pause of a busy stream's reads, 0.2 ms: while reads keep waiting for the server and being woken
	 * by single messages (eight times in a row, each within 1 ms of the one before), the replication thread
	 * waits this long before the next read and then takes what arrived meanwhile in one go. A quiet stream is
	 * read at once.
	 */
	public static final Duration DEFAULT_BUSY_READ_PAUSE = Duration.ofNanos(200_000);

	/** The longest pause of a busy stream's reads that is accepted. */
	public static final Duration MAX_BUSY_READ_PAUSE = Duration.ofMillis(100);

	private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

	/**
	 * Validates the settings.
	 */
	public ReplicationSettings {
		Objects.requireNonNull(url, "url");
		Objects.requireNonNull(slotName, "slotName");
		Objects.requireNonNull(statusInterval, "statusInterval");
		Objects.requireNonNull(guard, "guard");
		tables = List.copyOf(tables);
		if (heartbeatInterval.isNegative()) {
			throw new ReplicationSetupException("lode.heartbeat.interval must not be negative, was " + heartbeatInterval,
					"Set lode.heartbeat.interval to a duration such as 1m, or 0 for no heartbeats");
		}
		Objects.requireNonNull(busyReadPause, "busyReadPause");
		if (busyReadPause.isNegative() || busyReadPause.compareTo(MAX_BUSY_READ_PAUSE) > 0) {
			throw new ReplicationSetupException("lode.busy-read-pause must be between 0 and 100ms, was " + busyReadPause,
					"Set lode.busy-read-pause to a duration such as 200us, or 0 to read every message at once");
		}
		if (!url.startsWith("jdbc:postgresql:")) {
			throw new ReplicationSetupException("lode.url '" + redact(url) + "' is not a PostgreSQL JDBC URL",
					"Set lode.url (or spring.datasource.url) to jdbc:postgresql://HOST:PORT/DATABASE");
		}
		if (!SLOT_NAME.matcher(slotName).matches()) {
			throw new ReplicationSetupException("Invalid replication slot name '" + slotName
					+ "': PostgreSQL slot names are 1 to 63 characters of lower case letters, digits and '_'",
					"Set lode.slot.name to a name such as 'lode_main'");
		}
		if (statusInterval.isNegative() || statusInterval.isZero()) {
			throw new ReplicationSetupException("lode.status-interval must be positive, was " + statusInterval,
					"Set lode.status-interval to a duration such as 10s");
		}
	}

	/**
	 * Creates settings with the defaults for everything but the connection.
	 * @param url the JDBC URL
	 * @param username the user name
	 * @param password the password
	 * @return the settings
	 */
	public static ReplicationSettings of(String url, @Nullable String username, @Nullable String password) {
		return new ReplicationSettings(url, username, password, DEFAULT_SLOT_NAME, true, Duration.ofSeconds(10),
				List.of(), Duration.ZERO, DEFAULT_BUSY_READ_PAUSE, SlotGuard.DEFAULT);
	}

	/**
	 * @param name another slot name
	 * @return a copy with that slot name
	 */
	public ReplicationSettings withSlotName(String name) {
		return new ReplicationSettings(this.url, this.username, this.password, name, this.createSlot,
				this.statusInterval, this.tables, this.heartbeatInterval, this.busyReadPause, this.guard);
	}

	/**
	 * @param create whether to create a missing slot
	 * @return a copy with that setting
	 */
	public ReplicationSettings withCreateSlot(boolean create) {
		return new ReplicationSettings(this.url, this.username, this.password, this.slotName, create,
				this.statusInterval, this.tables, this.heartbeatInterval, this.busyReadPause, this.guard);
	}

	/**
	 * @param interval another status interval
	 * @return a copy with that status interval
	 */
	public ReplicationSettings withStatusInterval(Duration interval) {
		return new ReplicationSettings(this.url, this.username, this.password, this.slotName, this.createSlot,
				interval, this.tables, this.heartbeatInterval, this.busyReadPause, this.guard);
	}

	/**
	 * @param watched the tables listeners watch
	 * @return a copy with those tables
	 */
	public ReplicationSettings withTables(List<WatchedTable> watched) {
		return new ReplicationSettings(this.url, this.username, this.password, this.slotName, this.createSlot,
				this.statusInterval, watched, this.heartbeatInterval, this.busyReadPause, this.guard);
	}

	/**
	 * @param interval time between heartbeats while idle, zero for none
	 * @return a copy with that heartbeat interval
	 */
	public ReplicationSettings withHeartbeatInterval(Duration interval) {
		return new ReplicationSettings(this.url, this.username, this.password, this.slotName, this.createSlot,
				this.statusInterval, this.tables, interval, this.busyReadPause, this.guard);
	}

	/**
	 * @param pause how long a busy stream's reads pause, zero to read every message at once
	 * @return a copy with that pause
	 */
	public ReplicationSettings withBusyReadPause(Duration pause) {
		return new ReplicationSettings(this.url, this.username, this.password, this.slotName, this.createSlot,
				this.statusInterval, this.tables, this.heartbeatInterval, pause, this.guard);
	}

	/**
	 * @param jdbcUrl another JDBC URL (the same server set, another target)
	 * @return a copy with that URL
	 * @since 0.3.0
	 */
	public ReplicationSettings withUrl(String jdbcUrl) {
		return new ReplicationSettings(jdbcUrl, this.username, this.password, this.slotName, this.createSlot,
				this.statusInterval, this.tables, this.heartbeatInterval, this.busyReadPause, this.guard);
	}

	/**
	 * @param slotGuard how lode guards the end of the stream
	 * @return a copy with that guard
	 * @since 0.3.0
	 */
	public ReplicationSettings withGuard(SlotGuard slotGuard) {
		return new ReplicationSettings(this.url, this.username, this.password, this.slotName, this.createSlot,
				this.statusInterval, this.tables, this.heartbeatInterval, this.busyReadPause, slotGuard);
	}

	/**
	 * @return the URL without any password parameter, safe to log
	 */
	public String safeUrl() {
		return redact(this.url);
	}

	static String redact(String url) {
		return url.replaceAll("(?i)(password=)[^&;]*", "$1******").replaceAll("//([^/@:]+):[^/@]*@", "//$1:******@");
	}

	@Override
	public String toString() {
		return "ReplicationSettings{url=" + safeUrl() + ", username=" + this.username + ", slot=" + this.slotName
				+ ", createSlot=" + this.createSlot + ", statusInterval=" + this.statusInterval + ", tables=" + this.tables
				+ ", heartbeatInterval=" + this.heartbeatInterval + ", busyReadPause=" + this.busyReadPause + ", guard="
				+ this.guard + "}";
	}

}
