package dev.lode.spring.boot.autoconfigure;

import java.time.Duration;

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

}
