package dev.lode.spring.boot.autoconfigure.endpoint;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lode.core.snapshot.SnapshotProgress;

import dev.lode.spring.boot.autoconfigure.health.LodePositions;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code lode} endpoint reports: one section per concern, so that later sections (changes in
 * flight, snapshots) can be added beside these. Unknown values (positions before the first change, a listener's
 * absent condition) are left out of the JSON rather than shown as {@code null}.
 *
 * @param slot the replication slot's name
 * @param plugin the output plugin and format (e.g. {@code wal2json v2}, {@code pgoutput})
 * @param state the container's state ({@code STREAMING}, {@code RECONNECTING}, ...)
 * @param positions the positions received and acknowledged, and the slot's status on the server
 * @param inFlight the work dispatched and not complete
 * @param listeners the registered listeners, {@code @OnWalChange} ones first, each kind by id
 * @param stream where the stream comes from and its last gap ({@code server}: system identifier and timeline;
 * {@code confirmLimit}: the furthest position lode may confirm to the slot; {@code lastGap}: the last gap lode found,
 * in this process or, as recorded, in an earlier one)
 * @param sources the names of all sources, the default first, when there are several ({@code lode.sources.<name>});
 * {@code null} (left out) otherwise
 * @since 0.1.0
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LodeDescriptor(String slot, String plugin, String state, LodePositions positions,
		InFlightDescriptor inFlight, List<SnapshotProgress> snapshots, List<ListenerDescriptor> listeners,
		Map<String, Object> stream, @Nullable List<String> sources) {

	/**
	 * A source's description without the names of the sources.
	 * @param slot the replication slot's name
	 * @param plugin the output plugin and format
	 * @param state the container's state
	 * @param positions the positions
	 * @param inFlight the work in flight
	 * @param snapshots the running snapshots
	 * @param listeners the listeners
	 * @param stream the stream's origin and last gap
	 */
	public LodeDescriptor(String slot, String plugin, String state, LodePositions positions, InFlightDescriptor inFlight,
			List<SnapshotProgress> snapshots, List<ListenerDescriptor> listeners, Map<String, Object> stream) {
		this(slot, plugin, state, positions, inFlight, snapshots, listeners, stream, null);
	}

}
