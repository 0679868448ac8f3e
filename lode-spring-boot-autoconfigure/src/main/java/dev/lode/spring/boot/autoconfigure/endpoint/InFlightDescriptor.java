package dev.lode.spring.boot.autoconfigure.endpoint;

import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lode.core.snapshot.SnapshotCoordinator;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.WalChangeDispatcher;
import org.jspecify.annotations.Nullable;

/**
 * The work dispatched and not complete: what holds the acknowledged position back.
 *
 * @param transactions transactions received whose changes have not all completed
 * @param changes changes dispatched whose listeners (lanes, asynchronous ones) have not completed
 * @param estimatedBytes their estimated memory
 * @param concurrency the number of lanes ({@code lode.listener.concurrency})
 * @param ordering what keeps commit order on lanes ({@code ROW}, {@code TABLE}); {@code null} when changes go to
 * a handler other than lode's dispatcher (then changes, bytes and lanes are unknown and reported as 0)
 * @param laneQueueDepths changes waiting on each lane; empty with one lane
 * @since 0.2.0
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InFlightDescriptor(int transactions, int changes, long estimatedBytes, int concurrency,
		@Nullable String ordering, List<Integer> laneQueueDepths) {

	/**
	 * @param container the replication container
	 * @return its work in flight now
	 */
	public static InFlightDescriptor of(WalReplicationContainer container) {
		if (SnapshotCoordinator.unwrap(container.getHandler()) instanceof WalChangeDispatcher dispatcher) {
			return new InFlightDescriptor(container.getTransactionsInFlight(), dispatcher.getInFlightChanges(),
					dispatcher.getInFlightBytes(), dispatcher.getOptions().concurrency(),
					dispatcher.getOptions().ordering().name(),
					Arrays.stream(dispatcher.getLaneQueueDepths()).boxed().toList());
		}
		return new InFlightDescriptor(container.getTransactionsInFlight(), 0, 0, 1, null, List.of());
	}
}
