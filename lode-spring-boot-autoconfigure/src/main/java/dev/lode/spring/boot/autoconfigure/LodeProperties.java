package dev.lode.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.lode.core.replication.OnSlotLoss;
import dev.lode.core.replication.SlotGuard;
import dev.lode.core.decode.OutputFormat;
import dev.lode.core.replication.ReplicationSettings;
import dev.lode.spring.listener.DispatchOptions;
import dev.lode.spring.listener.FailureAction;
import dev.lode.spring.listener.ListenerOrdering;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties for lode, under {@code lode.*}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("lode")
public class LodeProperties implements Validator {

	private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

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

	/**
	 * How long the replication thread lets messages gather before it reads again while the stream is busy
	 * (reads keep being woken by single messages, eight times in a row within 1 ms each). Saves CPU on
	 * the server and in the application under load, at up to this much extra latency then; a quiet stream
	 * is read at once. 0 reads every message at once. At most 100ms.
	 */
	// a literal, so that the metadata processor records the default; it equals
	// ReplicationSettings.DEFAULT_BUSY_READ_PAUSE (LodeAutoConfigurationTests checks it)
	private Duration busyReadPause = Duration.ofNanos(200000);

	/**
	 * Logical decoding output plugin: wal2json (must be installed on the server) or pgoutput (built
	 * into PostgreSQL 10+, works on managed services).
	 */
	private Plugin plugin = Plugin.WAL2JSON;

	private final Wal2json wal2json = new Wal2json();

	private final Pgoutput pgoutput = new Pgoutput();

	private final Slot slot = new Slot();

	private final Shutdown shutdown = new Shutdown();

	private final Reconnect reconnect = new Reconnect();

	private final Listener listener = new Listener();

	private final Heartbeat heartbeat = new Heartbeat();

	private final Observation observation = new Observation();

	private final Snapshot snapshot = new Snapshot();

	/**
	 * Further sources by name, each a database connection and a slot of its own with its own container, health and
	 * metrics; listeners choose one with @OnWalChange(source = "<name>"). A source takes the settings of lode.* that
	 * it does not set itself, except the slot's name (default lode_<name>), the publication and the snapshot's mode
	 * and tables.
	 */
	private final Map<String, LodeProperties> sources = new LinkedHashMap<>();

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

	public Duration getBusyReadPause() {
		return this.busyReadPause;
	}

	public void setBusyReadPause(Duration busyReadPause) {
		this.busyReadPause = busyReadPause;
	}

	public Plugin getPlugin() {
		return this.plugin;
	}

	public void setPlugin(Plugin plugin) {
		this.plugin = plugin;
	}

	public Wal2json getWal2json() {
		return this.wal2json;
	}

	public Pgoutput getPgoutput() {
		return this.pgoutput;
	}

	/**
	 * @return the decoder format the plugin settings select
	 */
	public OutputFormat outputFormat() {
		if (this.plugin == Plugin.PGOUTPUT) {
			return OutputFormat.PGOUTPUT;
		}
		return (this.wal2json.getFormatVersion() == 1) ? OutputFormat.WAL2JSON_V1 : OutputFormat.WAL2JSON_V2;
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

	public Observation getObservation() {
		return this.observation;
	}

	public Snapshot getSnapshot() {
		return this.snapshot;
	}

	public Map<String, LodeProperties> getSources() {
		return this.sources;
	}

	@Override
	public boolean supports(Class<?> type) {
		return LodeProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		LodeProperties properties = (LodeProperties) target;
		if (properties.getSources().containsKey(dev.lode.spring.listener.WalSources.DEFAULT)) {
			errors.rejectValue("sources", "lode.sources",
					"'default' is the name of the source of lode.*: give the source another name");
		}
		if (properties.getSnapshot().getChunkSize() < 1) {
			errors.rejectValue("snapshot.chunkSize", "lode.snapshot.chunk-size",
					"lode.snapshot.chunk-size must be at least 1");
		}
		if (properties.getSnapshot().getParallelism() < 1) {
			errors.rejectValue("snapshot.parallelism", "lode.snapshot.parallelism",
					"lode.snapshot.parallelism must be at least 1 (1 reads one chunk at a time)");
		}
		if (!SLOT_NAME.matcher(properties.getSlot().getName()).matches()) {
			errors.rejectValue("slot.name", "lode.slot.name",
					"must be 1 to 63 lower case letters, digits and underscores (a PostgreSQL slot name)");
		}
		int formatVersion = properties.getWal2json().getFormatVersion();
		if (formatVersion != 1 && formatVersion != 2) {
			errors.rejectValue("wal2json.formatVersion", "lode.formatVersion", "must be 1 or 2");
		}
		String publication = properties.getPgoutput().getPublication();
		if (publication != null && (publication.isBlank() || publication.length() > 63)) {
			errors.rejectValue("pgoutput.publication", "lode.publication", "must be 1 to 63 characters");
		}
		positive(errors, "statusInterval", properties.getStatusInterval());
		notNegative(errors, "busyReadPause", properties.getBusyReadPause());
		if (properties.getBusyReadPause() != null
				&& properties.getBusyReadPause().compareTo(ReplicationSettings.MAX_BUSY_READ_PAUSE) > 0) {
			errors.rejectValue("busyReadPause", "lode.busyReadPause", "must be at most 100ms");
		}
		positive(errors, "slot.takeoverInterval", properties.getSlot().getTakeoverInterval());
		notNegative(errors, "shutdown.timeout", properties.getShutdown().getTimeout());
		notNegative(errors, "heartbeat.interval", properties.getHeartbeat().getInterval());
		backOff(errors, "reconnect", properties.getReconnect());
		backOff(errors, "listener.retry", properties.getListener().getRetry());
		Integer reconnectAttempts = properties.getReconnect().getMaxAttempts();
		if (reconnectAttempts != null && reconnectAttempts < 1) {
			errors.rejectValue("reconnect.maxAttempts", "lode.positive", "must be at least 1, or unset for no limit");
		}
		Listener listener = properties.getListener();
		if (listener.getConcurrency() < 1 || listener.getConcurrency() > 1024) {
			errors.rejectValue("listener.concurrency", "lode.concurrency",
					"must be 1 (listeners on the replication thread) to 1024 lanes");
		}
		if (listener.getMaxInFlight() < 1) {
			errors.rejectValue("listener.maxInFlight", "lode.positive", "must be at least 1");
		}
		if (listener.getMaxInFlightBytes() == null || listener.getMaxInFlightBytes().toBytes() < 1) {
			errors.rejectValue("listener.maxInFlightBytes", "lode.positive", "must be at least 1B");
		}
		if (properties.getListener().getRetry().getMaxAttempts() < 1) {
			errors.rejectValue("listener.retry.maxAttempts", "lode.positive",
					"must be at least 1 (the first delivery counts)");
		}
	}

	private static void backOff(Errors errors, String prefix, BackOffSettings settings) {
		positive(errors, prefix + ".initialInterval", settings.getInitialInterval());
		positive(errors, prefix + ".maxInterval", settings.getMaxInterval());
		if (settings.getMultiplier() < 1.0) {
			errors.rejectValue(prefix + ".multiplier", "lode.multiplier", "must be at least 1.0");
		}
	}

	private static void positive(Errors errors, String field, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			errors.rejectValue(field, "lode.positive", "must be a positive duration");
		}
	}

	private static void notNegative(Errors errors, String field, Duration value) {
		if (value == null || value.isNegative()) {
			errors.rejectValue(field, "lode.notNegative", "must not be negative");
		}
	}

	/**
	 * The logical decoding output plugins lode reads.
	 */
	public enum Plugin {

		/** The wal2json plugin (must be installed on the server). */
		WAL2JSON,

		/** PostgreSQL's built-in pgoutput plugin (PostgreSQL 10+). */
		PGOUTPUT

	}

	/**
	 * wal2json settings.
	 */
	public static class Wal2json {

		/**
		 * wal2json output format: 2 (one message per change, no size limit per transaction; the
		 * default) or 1 (one message per transaction, limited to 1 GB by wal2json).
		 */
		private int formatVersion = 2;

		public int getFormatVersion() {
			return this.formatVersion;
		}

		public void setFormatVersion(int formatVersion) {
			this.formatVersion = formatVersion;
		}

	}

	/**
	 * pgoutput settings.
	 */
	public static class Pgoutput {

		/**
		 * Publication to stream. When not set, lode creates and maintains 'lode_<slot name>' for the
		 * tables and kinds its listeners watch (before the slot, which only sees publications older
		 * than itself); a publication named here is used as it is (created for the watched tables if
		 * missing).
		 */
		private @Nullable String publication;

		public @Nullable String getPublication() {
			return this.publication;
		}

		public void setPublication(@Nullable String publication) {
			this.publication = publication;
		}

	}

	/**
	 * Snapshot settings: rows read from the tables while streaming goes on (see LodeSnapshots).
	 */
	public static class Snapshot {

		/**
		 * When lode reads whole tables by itself: {@code never}, or {@code initial}: when lode creates the slot,
		 * the tables of {@code lode.snapshot.tables} (when empty: every table a listener names) are read at the
		 * slot's consistent point, each row delivered once as a SNAPSHOT change before any streamed change.
		 */
		private Mode mode = Mode.NEVER;

		/**
		 * Tables to read once per slot when streaming starts ({@code table} or {@code schema.table}), chunk by
		 * chunk while the stream goes on; a table whose snapshot was started before (by this slot) is not read
		 * again, and an unfinished one continues.
		 */
		private List<String> tables = new ArrayList<>();

		/**
		 * Rows per chunk: lode holds up to two chunks per table being read in memory (the next one is read while
		 * the one before waits for its watermark in the stream).
		 */
		private int chunkSize = 1024;

		/**
		 * Readers at once, each on its own connection: the initial snapshot reads that many key ranges of a table
		 * at once (split at the primary key's histogram, or evenly for an integer key), an on-demand snapshot that
		 * many tables at once.
		 */
		private int parallelism = 2;

		public List<String> getTables() {
			return this.tables;
		}

		public void setTables(List<String> tables) {
			this.tables = tables;
		}

		public int getChunkSize() {
			return this.chunkSize;
		}

		public int getParallelism() {
			return this.parallelism;
		}

		public void setParallelism(int parallelism) {
			this.parallelism = parallelism;
		}

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		/** When lode reads whole tables by itself. */
		public enum Mode {

			/** Only when asked (lode.snapshot.tables, the endpoint, LodeSnapshots). */
			NEVER,

			/** Also once when lode creates the slot, at its consistent point. */
			INITIAL

		}

		public void setChunkSize(int chunkSize) {
			this.chunkSize = chunkSize;
		}

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

		/**
		 * What lode does when its stream has a gap (the slot it streamed from was dropped, invalidated, re-created,
		 * or is not on the server after a failover or an upgrade): {@code fail} (stop, health DOWN, the gap and the
		 * ways out named), {@code resync} (a new slot, and every watched table read again by a snapshot whose rows
		 * say isResync()), or {@code ignore} (a new slot and a WARN that states the gap).
		 */
		private OnSlotLoss onLoss = OnSlotLoss.FAIL;

		/**
		 * Whether lode creates its slot as a failover slot (PostgreSQL 17+, ignored before), and makes an existing
		 * slot one, so that a standby with sync_replication_slots continues the stream after a promotion.
		 */
		private boolean failover = true;

		/**
		 * Schema of lode's record of its stream (the table lode_stream_record, created the first time lode
		 * streams; created with the schema when the schema does not exist). Default: the connection's current
		 * schema.
		 */
		private @Nullable String recordSchema;

		public OnSlotLoss getOnLoss() {
			return this.onLoss;
		}

		public void setOnLoss(OnSlotLoss onLoss) {
			this.onLoss = onLoss;
		}

		public boolean isFailover() {
			return this.failover;
		}

		public void setFailover(boolean failover) {
			this.failover = failover;
		}

		public @Nullable String getRecordSchema() {
			return this.recordSchema;
		}

		public void setRecordSchema(@Nullable String recordSchema) {
			this.recordSchema = recordSchema;
		}

		/** @return the guard these settings describe */
		public SlotGuard guard() {
			return new SlotGuard(this.onLoss, this.failover, this.recordSchema);
		}

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
	public interface BackOffSettings {

		/** @return time to wait before the first retry */
		Duration getInitialInterval();

		/** @return factor by which the wait grows after each retry */
		double getMultiplier();

		/** @return longest time to wait between two retries */
		Duration getMaxInterval();

	}

	/**
	 * Reconnect settings, used when the replication connection is lost.
	 */
	public static class Reconnect implements BackOffSettings {

		/**
		 * Time to wait before the first reconnect attempt.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor by which the wait grows after each failed reconnect attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest time to wait between two reconnect attempts.
		 */
		private Duration maxInterval = Duration.ofSeconds(30);

		/**
		 * Maximum number of reconnect attempts in a row before giving up (health DOWN); unlimited when
		 * not set.
		 */
		private @Nullable Integer maxAttempts;

		@Override
		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		@Override
		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		@Override
		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
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

		/**
		 * Number of lanes listeners run on. 1 runs every listener on the replication thread in commit order;
		 * more run the changes of different rows (or tables, see ordering) concurrently, each row's changes
		 * still in commit order.
		 */
		private int concurrency = 1;

		/**
		 * With concurrency above 1, what keeps its commit order: ROW (the changes of one row, by table and
		 * primary key) or TABLE (the changes of one table).
		 */
		private ListenerOrdering ordering = ListenerOrdering.ROW;

		/**
		 * Most changes dispatched whose listeners (on lanes, or asynchronous ones) have not completed; beyond,
		 * lode stops reading until some complete.
		 */
		private int maxInFlight = 1000;

		/**
		 * Most estimated memory of those changes; beyond, lode stops reading until some complete.
		 */
		private DataSize maxInFlightBytes = DataSize.ofMegabytes(64);

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public ListenerOrdering getOrdering() {
			return this.ordering;
		}

		public void setOrdering(ListenerOrdering ordering) {
			this.ordering = ordering;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public DataSize getMaxInFlightBytes() {
			return this.maxInFlightBytes;
		}

		public void setMaxInFlightBytes(DataSize maxInFlightBytes) {
			this.maxInFlightBytes = maxInFlightBytes;
		}

		/** @return the dispatcher's options */
		public DispatchOptions dispatchOptions() {
			return new DispatchOptions(this.concurrency, this.ordering, this.maxInFlight,
					this.maxInFlightBytes.toBytes());
		}

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
	public static class Retry implements BackOffSettings {

		/**
		 * Maximum number of deliveries of a failing change, the first one included (1 means no retry).
		 */
		private int maxAttempts = 3;

		/**
		 * Time to wait before delivering a failed change again.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor by which the wait grows after each redelivery.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest time to wait between two redeliveries.
		 */
		private Duration maxInterval = Duration.ofSeconds(10);

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		@Override
		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		@Override
		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		@Override
		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

	}

	/**
	 * Observation settings.
	 */
	public static class Observation {

		/**
		 * Whether to observe every listener call with Micrometer's Observation API (a span per change when
		 * tracing is set up).
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
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
