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
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.WalChangeListenerFactory;
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
 * passwords, no row values.
 *
 * <p>Like every endpoint but {@code health}, it is not exposed over HTTP unless listed in
 * {@code management.endpoints.web.exposure.include}.
 *
 * @since 0.1.0
 */
@Endpoint(id = "lode")
public class LodeEndpoint {

	private final WalReplicationContainer container;

	private final WalChangeListenerFactory listeners;

	private final String slot;

	private final String plugin;

	private final @Nullable LodeSnapshots snapshots;

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
		this.snapshots = snapshots;
		this.container = container;
		this.listeners = listeners;
		this.slot = settings.slotName();
		this.plugin = plugin;
	}

	/**
	 * @return what lode streams, where it stands and who receives the changes
	 */
	@ReadOperation
	public LodeDescriptor lode() {
		ReplicationSettings started = this.container.getSettings();
		return new LodeDescriptor((started != null) ? started.slotName() : this.slot, this.plugin,
				this.container.getState().name(), LodePositions.of(this.container), InFlightDescriptor.of(this.container),
				(this.snapshots != null) ? this.snapshots.running() : List.of(), listeners(), stream());
	}

	private Map<String, Object> stream() {
		Map<String, Object> stream = new LinkedHashMap<>();
		ServerIdentity server = this.container.getServerIdentity();
		if (server != null) {
			stream.put("systemIdentifier", server.systemId());
			stream.put("timeline", server.timeline());
		}
		StreamRecord record = this.container.getStreamRecord();
		if (record != null) {
			// the limit now, or as recorded when streaming last started
			Lsn limit = this.container.getConfirmLimit();
			stream.put("confirmLimit", ((limit != null) ? limit : record.confirmLimit()).toString());
			if (record.slotCreatedAt() != null) {
				stream.put("slotCreatedAt", record.slotCreatedAt().toString());
			}
		}
		StreamGap gap = this.container.getLastGap();
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
		switch (operation) {
			case "pause" -> pause();
			case "resume" -> resume();
			case "snapshot" -> {
				return snapshot(tables);
			}
			default -> throw new IllegalArgumentException(
					"Unknown operation '" + operation + "': use pause, resume or snapshot");
		}
		return lode();
	}

	private void pause() {
		if (this.container.isPaused()) {
			throw new IllegalStateException("lode is paused already (state " + this.container.getState()
					+ "): POST /actuator/lode/resume resumes it");
		}
		ReplicationState state = this.container.getState();
		if (state == ReplicationState.NEW || state == ReplicationState.STOPPED || state == ReplicationState.FAILED) {
			throw new IllegalStateException("lode is not running (state " + state
					+ "), so there is nothing to pause: a start begins unpaused");
		}
		this.container.pause();
	}

	private void resume() {
		if (!this.container.isPaused()) {
			throw new IllegalStateException("lode is not paused (state " + this.container.getState()
					+ "), so there is nothing to resume: POST /actuator/lode/pause pauses it");
		}
		this.container.resume();
	}

	private Map<String, Object> snapshot(@Nullable String tables) {
		if (this.snapshots == null) {
			throw new IllegalArgumentException("Snapshots are not available: there is no LodeSnapshots bean");
		}
		List<String> names = (tables != null) ? Arrays.stream(tables.split(",")).map(String::strip)
			.filter((name) -> !name.isEmpty())
			.toList() : List.of();
		if (names.isEmpty()) {
			throw new IllegalArgumentException("Name the tables to read: {\"tables\": \"orders,public.customers\"}");
		}
		String id = this.snapshots.snapshot(names.toArray(String[]::new));
		Map<String, Object> started = new LinkedHashMap<>();
		started.put("snapshotId", id);
		started.put("tables", names);
		return started;
	}

	private List<ListenerDescriptor> listeners() {
		List<ListenerDescriptor> result = new ArrayList<>();
		this.listeners.getListeners().forEach((listener) -> result.add(ListenerDescriptor.of(listener)));
		this.listeners.getTransactionListeners().forEach((listener) -> result.add(ListenerDescriptor.of(listener)));
		result.sort(Comparator.comparing(ListenerDescriptor::type).thenComparing(ListenerDescriptor::id));
		return List.copyOf(result);
	}

}
