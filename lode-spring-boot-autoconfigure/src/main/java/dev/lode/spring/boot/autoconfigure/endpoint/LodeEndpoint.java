package dev.lode.spring.boot.autoconfigure.endpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lode.core.Lsn;
import dev.lode.core.replication.ServerIdentity;
import dev.lode.core.replication.StreamGap;
import dev.lode.core.replication.StreamRecord;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthReport;
import dev.lode.spring.boot.autoconfigure.health.Secrets;

import dev.lode.core.replication.ReplicationSettings;
import dev.lode.spring.boot.autoconfigure.health.LodePositions;
import dev.lode.spring.container.LodeSnapshots;
import dev.lode.spring.container.LodeSource;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.WalChangeListenerFactory;
import dev.lode.spring.listener.WalSources;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code lode} Actuator endpoint ({@code /actuator/lode} once exposed): what lode streams and who
 * receives it. Its one read operation returns a {@link LodeDescriptor}: the slot, the plugin, the
 * container's state, the positions (as the {@code lode} health indicator reports them) and every
 * registered {@code @OnWalChange} / {@code @OnWalTransaction} listener. No connection details, no
 * passwords, no row values. With further sources ({@code lode.sources.<name>}) it lists their names, and
 * {@code /actuator/lode/{source}} describes, pauses, resumes and snapshots one of them.
 *
 * <p>Like every endpoint but {@code health}, it is not exposed over HTTP unless listed in
 * {@code management.endpoints.web.exposure.include}.
 *
 * @since 0.1.0
 */
@Endpoint(id = "lode")
public class LodeEndpoint {

	private final WalChangeListenerFactory listeners;

	private final LodeSource defaultSource;

	private final @Nullable LodeSources sources;

	/**
	 * @param container the replication container
	 * @param listeners the factory that created the listeners
	 * @param settings the configured settings (the slot's name before the container started)
	 * @param plugin the plugin and format lode streams with (e.g. {@code wal2json v2})
	 */
	public LodeEndpoint(WalReplicationContainer container, WalChangeListenerFactory listeners,
			ReplicationSettings settings, String plugin) {
		this(container, listeners, settings, plugin, null);
	}

	/**
	 * @param container the replication container
	 * @param listeners the factory that created the listeners
	 * @param settings the configured settings (the slot's name before the container started)
	 * @param plugin the plugin and format lode streams with (e.g. {@code wal2json v2})
	 * @param snapshots starts snapshots ({@code POST /actuator/lode/snapshot}), or {@code null}
	 * @since 0.2.0
	 */
	public LodeEndpoint(WalReplicationContainer container, WalChangeListenerFactory listeners,
			ReplicationSettings settings, String plugin, @Nullable LodeSnapshots snapshots) {
		this(new LodeSource(WalSources.DEFAULT, settings.slotName(), container, snapshots, plugin), listeners, null);
	}

	/**
	 * @param defaultSource the default source
	 * @param listeners the factory that created the listeners
	 * @param sources all sources ({@code /actuator/lode/{source}}), or {@code null} for the default only
	 * @since 0.4.0
	 */
	public LodeEndpoint(LodeSource defaultSource, WalChangeListenerFactory listeners, @Nullable LodeSources sources) {
		this.defaultSource = defaultSource;
		this.listeners = listeners;
		this.sources = sources;
	}

	/**
	 * @return what the default source streams, where it stands and who receives the changes; with further sources
	 * ({@code lode.sources.<name>}) also their names
	 */
	@ReadOperation
	public LodeDescriptor lode() {
		LodeSources all = this.sources;
		return describe(this.defaultSource, (all != null && all.isMultiple()) ? List.copyOf(all.names()) : null);
	}

	/**
	 * {@code GET /actuator/lode/{source}}: what one source streams, where it stands and who receives its changes.
	 * @param source the source's name ({@code default} for {@code lode.*})
	 * @return the source's description
	 * @throws IllegalArgumentException for an unknown source (the message names the sources)
	 * @since 0.4.0
	 */
	@ReadOperation
	public LodeDescriptor source(@Selector String source) {
		return describe(find(source), null);
	}

	private LodeSource find(String name) {
		if (WalSources.DEFAULT.equals(name)) {
			return this.defaultSource;
		}
		LodeSources all = this.sources;
		if (all == null) {
			throw new IllegalArgumentException("Unknown lode source '" + name + "': the sources are [default]");
		}
		return all.get(name);
	}

	private LodeDescriptor describe(LodeSource source, @Nullable List<String> sourceNames) {
		WalReplicationContainer container = source.container();
		ReplicationSettings started = container.getSettings();
		LodeSnapshots snapshots = source.snapshots();
		return new LodeDescriptor((started != null) ? started.slotName() : source.slot(),
				String.valueOf(source.format()), container.getState().name(), LodePositions.of(container),
				InFlightDescriptor.of(container), (snapshots != null) ? snapshots.running() : List.of(),
				listeners(source.name()), stream(container), sourceNames);
	}

	private static Map<String, Object> stream(WalReplicationContainer container) {
		Map<String, Object> stream = new LinkedHashMap<>();
		ServerIdentity server = container.getServerIdentity();
		if (server != null) {
			stream.put("systemIdentifier", server.systemId());
			stream.put("timeline", server.timeline());
		}
		StreamRecord record = container.getStreamRecord();
		if (record != null) {
			// the limit now, or as recorded when streaming last started
			Lsn limit = container.getConfirmLimit();
			stream.put("confirmLimit", ((limit != null) ? limit : record.confirmLimit()).toString());
			if (record.slotCreatedAt() != null) {
				stream.put("slotCreatedAt", record.slotCreatedAt().toString());
			}
		}
		StreamGap gap = container.getLastGap();
		if (gap != null) {
			stream.put("lastGap", LodeHealthReport.gap(gap));
		}
		else if (record != null && record.lastGap() != null) {
			Map<String, Object> recorded = new LinkedHashMap<>();
			recorded.put("detectedAt", String.valueOf(record.lastGapAt()));
			recorded.put("message", Secrets.redact(record.lastGap()));
			stream.put("lastGap", recorded);
		}
		return stream;
	}

	/**
	 * Pauses or resumes streaming ({@code POST /actuator/lode/pause}, {@code POST /actuator/lode/resume}).
	 * Paused, lode stays connected and keeps the slot, finishes the work in flight, dispatches nothing new, and
	 * WAL accumulates on the server; the state (here and in the health details) is {@code PAUSED}.
	 * <p>{@code POST /actuator/lode/snapshot} with {@code {"tables": "orders,public.customers"}} starts an
	 * on-demand snapshot of the tables ({@link LodeSnapshots#snapshot}) and returns its id; the rows arrive while
	 * streaming goes on, and the read operation shows the progress.
	 * <p>Over HTTP, {@link LodeEndpointWebExtension} answers what this method refuses with a 400 or a 409 and the
	 * message.
	 * @param operation {@code pause}, {@code resume} or {@code snapshot}
	 * @param tables the tables of a snapshot, comma-separated
	 * @return the state afterwards, or the started snapshot
	 * @throws IllegalArgumentException for an unknown operation, or a snapshot without tables (the message says
	 * what to send)
	 * @throws IllegalStateException when the operation does not fit the state: resume when not paused, pause when
	 * paused already or when lode is not running
	 * @throws dev.lode.core.snapshot.SnapshotException when a table cannot be read (the message names the fix)
	 */
	@WriteOperation
	@SuppressWarnings("deprecation") // Boot 3.5 knows a parameter is optional only by Spring's own @Nullable
	public Object operate(@Selector String operation, @org.springframework.lang.Nullable @Nullable String tables) {
		return operate(this.defaultSource, "", operation, tables);
	}

	/**
	 * {@link #operate(String, String)} on one source: {@code POST /actuator/lode/{source}/pause}, {@code resume} or
	 * {@code snapshot}.
	 * @param source the source's name ({@code default} for {@code lode.*})
	 * @param operation {@code pause}, {@code resume} or {@code snapshot}
	 * @param tables the tables of a snapshot, comma-separated
	 * @return the source's state afterwards, or the started snapshot
	 * @throws IllegalArgumentException for an unknown source or operation, or a snapshot without tables
	 * @throws IllegalStateException when the operation does not fit the source's state
	 * @since 0.4.0
	 */
	@WriteOperation
	@SuppressWarnings("deprecation") // Boot 3.5 knows a parameter is optional only by Spring's own @Nullable
	public Object operate(@Selector String source, @Selector String operation,
			@org.springframework.lang.Nullable @Nullable String tables) {
		return operate(find(source), source + "/", operation, tables);
	}

	private Object operate(LodeSource source, String path, String operation, @Nullable String tables) {
		WalReplicationContainer container = source.container();
		switch (operation) {
			case "pause" -> pause(container, path);
			case "resume" -> resume(container, path);
			case "snapshot" -> {
				return snapshot(source.snapshots(), tables);
			}
			default -> throw new IllegalArgumentException(
					"Unknown operation '" + operation + "': use pause, resume or snapshot");
		}
		return describe(source, null);
	}

	private static void pause(WalReplicationContainer container, String path) {
		if (container.isPaused()) {
			throw new IllegalStateException("lode is paused already (state " + container.getState()
					+ "): POST /actuator/lode/" + path + "resume resumes it");
		}
		ReplicationState state = container.getState();
		if (state == ReplicationState.NEW || state == ReplicationState.STOPPED || state == ReplicationState.FAILED) {
			throw new IllegalStateException("lode is not running (state " + state
					+ "), so there is nothing to pause: a start begins unpaused");
		}
		container.pause();
	}

	private static void resume(WalReplicationContainer container, String path) {
		if (!container.isPaused()) {
			throw new IllegalStateException("lode is not paused (state " + container.getState()
					+ "), so there is nothing to resume: POST /actuator/lode/" + path + "pause pauses it");
		}
		container.resume();
	}

	private static Map<String, Object> snapshot(@Nullable LodeSnapshots snapshots, @Nullable String tables) {
		if (snapshots == null) {
			throw new IllegalArgumentException("Snapshots are not available: there is no LodeSnapshots bean");
		}
		List<String> names = (tables != null) ? Arrays.stream(tables.split(",")).map(String::strip)
			.filter((name) -> !name.isEmpty())
			.toList() : List.of();
		if (names.isEmpty()) {
			throw new IllegalArgumentException("Name the tables to read: {\"tables\": \"orders,public.customers\"}");
		}
		String id = snapshots.snapshot(names.toArray(String[]::new));
		Map<String, Object> started = new LinkedHashMap<>();
		started.put("snapshotId", id);
		started.put("tables", names);
		return started;
	}

	private List<ListenerDescriptor> listeners(String source) {
		List<ListenerDescriptor> result = new ArrayList<>();
		this.listeners.getListeners()
			.stream()
			.filter((listener) -> listener.getSourceName().equals(source))
			.forEach((listener) -> result.add(ListenerDescriptor.of(listener)));
		this.listeners.getTransactionListeners()
			.stream()
			.filter((listener) -> listener.getSourceName().equals(source))
			.forEach((listener) -> result.add(ListenerDescriptor.of(listener)));
		result.sort(Comparator.comparing(ListenerDescriptor::type).thenComparing(ListenerDescriptor::id));
		return List.copyOf(result);
	}

}
