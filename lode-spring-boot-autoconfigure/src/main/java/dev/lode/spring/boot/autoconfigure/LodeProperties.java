package dev.lode.spring.boot.autoconfigure;

import java.time.Duration;

import dev.lode.spring.FailureAction;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for lode, under {@code lode.*}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("lode")
public class LodeProperties {

	/**
	 * Whether to enable lode's change streaming.
	 */
	private boolean enabled = true;

	/**
	 * Whether to start streaming automatically when the application context starts.
	 */
	private boolean autoStartup = true;

	/**
	 * JDBC URL of the database whose changes to stream. Defaults to the application's JDBC connection
	 * (spring.datasource.url or a JdbcConnectionDetails bean).
	 */
	private @Nullable String url;

	/**
	 * Login user of the database. Needs the REPLICATION attribute. Defaults to the application's JDBC
	 * user.
	 */
	private @Nullable String username;

	/**
	 * Login password of the database. Defaults to the application's JDBC password.
	 */
	private @Nullable String password;

	/**
	 * Time between standby status updates sent to the server (they carry the acknowledged position).
	 */
	private Duration statusInterval = Duration.ofSeconds(10);

	private final Slot slot = new Slot();

	private final Shutdown shutdown = new Shutdown();

	private final Reconnect reconnect = new Reconnect();

	private final Listener listener = new Listener();

	private final Heartbeat heartbeat = new Heartbeat();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public Duration getStatusInterval() {
		return this.statusInterval;
	}

	public void setStatusInterval(Duration statusInterval) {
		this.statusInterval = statusInterval;
	}

	public Slot getSlot() {
		return this.slot;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Listener getListener() {
		return this.listener;
	}

	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	/**
	 * Replication slot settings.
	 */
	public static class Slot {

		/**
		 * Name of the logical replication slot: 1 to 63 lower case letters, digits and underscores.
		 */
		private String name = "lode_main";

		/**
		 * Whether to create the slot when it does not exist.
		 */
		private boolean create = true;

		/**
		 * Time between attempts to take over the slot while another process streams from it (the
		 * application stands by meanwhile).
		 */
		private Duration takeoverInterval = Duration.ofSeconds(5);

		public Duration getTakeoverInterval() {
			return this.takeoverInterval;
		}

		public void setTakeoverInterval(Duration takeoverInterval) {
			this.takeoverInterval = takeoverInterval;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public boolean isCreate() {
			return this.create;
		}

		public void setCreate(boolean create) {
			this.create = create;
		}

	}

	/**
	 * Shutdown settings.
	 */
	public static class Shutdown {

		/**
		 * Maximum time to wait for the transaction in flight to finish when the application stops;
		 * after that it is abandoned unacknowledged and delivered again on the next start.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Exponential back-off settings.
	 */
	public abstract static class BackOffSettings {

		/**
		 * Time to wait before the first retry.
		 */
		private Duration initialInterval;

		/**
		 * Factor by which the wait grows after each retry.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest time to wait between two retries.
		 */
		private Duration maxInterval;

		BackOffSettings(Duration initialInterval, Duration maxInterval) {
			this.initialInterval = initialInterval;
			this.maxInterval = maxInterval;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

	}

	/**
	 * Reconnect settings, used when the replication connection is lost.
	 */
	public static class Reconnect extends BackOffSettings {

		/**
		 * Maximum number of reconnect attempts in a row before giving up (health DOWN); unlimited when
		 * not set.
		 */
		private @Nullable Integer maxAttempts;

		public Reconnect() {
			super(Duration.ofSeconds(1), Duration.ofSeconds(30));
		}

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

	}

	/**
	 * Listener failure settings.
	 */
	public static class Listener {

		/**
		 * What to do with a change whose listeners still fail after the retries: STOP streaming (nothing
		 * of the transaction is acknowledged; the default) or SKIP it (log and acknowledge).
		 */
		private FailureAction failureAction = FailureAction.STOP;

		private final Retry retry = new Retry();

		public FailureAction getFailureAction() {
			return this.failureAction;
		}

		public void setFailureAction(FailureAction failureAction) {
			this.failureAction = failureAction;
		}

		public Retry getRetry() {
			return this.retry;
		}

	}

	/**
	 * Retry settings of a change whose listeners failed; the whole change is delivered again.
	 */
	public static class Retry extends BackOffSettings {

		/**
		 * Maximum number of deliveries of a failing change, the first one included (1 means no retry).
		 */
		private int maxAttempts = 3;

		public Retry() {
			super(Duration.ofSeconds(1), Duration.ofSeconds(10));
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

	}

	/**
	 * Heartbeat settings.
	 */
	public static class Heartbeat {

		/**
		 * Time without any message after which lode writes a heartbeat (pg_logical_emit_message) that
		 * travels through the slot and advances it; 0 disables heartbeats.
		 */
		private Duration interval = Duration.ZERO;

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

}
