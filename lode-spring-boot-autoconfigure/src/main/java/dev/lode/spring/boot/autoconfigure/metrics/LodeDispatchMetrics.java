package dev.lode.spring.boot.autoconfigure.metrics;

import dev.lode.core.snapshot.SnapshotCoordinator;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.WalChangeDispatcher;
import dev.lode.spring.listener.WalSources;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges of the work in flight: {@code lode.listener.in-flight} (changes dispatched whose listeners have not
 * completed), {@code lode.listener.in-flight.transactions}, {@code lode.lane.queue.depth} (per lane, tag
 * {@code lane}, with {@code lode.listener.concurrency} above 1) and {@code lode.acknowledgement.lag} (bytes
 * received and not acknowledged yet).
 *
 * @since 0.2.0
 */
public class LodeDispatchMetrics implements MeterBinder {

	private final WalReplicationContainer container;

	private final String source;

	/**
	 * @param container the replication container (its handler is read for the dispatcher's figures)
	 */
	public LodeDispatchMetrics(WalReplicationContainer container) {
		this(container, WalSources.DEFAULT);
	}

	/**
	 * @param container the replication container (its handler is read for the dispatcher's figures)
	 * @param source its source's name (the tag {@code source} of the gauges)
	 * @since 0.4.0
	 */
	public LodeDispatchMetrics(WalReplicationContainer container, String source) {
		this.container = container;
		this.source = source;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("lode.listener.in-flight.transactions", this.container,
				WalReplicationContainer::getTransactionsInFlight)
			.description("Transactions received whose listeners have not all completed")
			.tag("source", this.source)
			.register(registry);
		Gauge.builder("lode.acknowledgement.lag", this, LodeDispatchMetrics::acknowledgementLag)
			.description("WAL received and not acknowledged yet")
			.tag("source", this.source)
			.baseUnit("bytes")
			.register(registry);
		if (SnapshotCoordinator.unwrap(this.container.getHandler()) instanceof WalChangeDispatcher dispatcher) {
			Gauge.builder("lode.listener.in-flight", dispatcher, WalChangeDispatcher::getInFlightChanges)
				.description("Changes dispatched whose listeners (on lanes, or asynchronous) have not completed")
				.tag("source", this.source)
				.register(registry);
			int lanes = dispatcher.getLaneQueueDepths().length;
			for (int lane = 0; lane < lanes; lane++) {
				int index = lane;
				Gauge.builder("lode.lane.queue.depth", dispatcher, (d) -> laneDepth(d, index))
					.description("Changes waiting on a lane")
					.tag("source", this.source)
					.tag("lane", Integer.toString(lane))
					.register(registry);
			}
		}
	}

	private static double laneDepth(WalChangeDispatcher dispatcher, int lane) {
		int[] depths = dispatcher.getLaneQueueDepths();
		return (lane < depths.length) ? depths[lane] : 0;
	}

	private double acknowledgementLag() {
		Long lag = this.container.getAcknowledgementLagBytes();
		return (lag != null) ? lag : 0;
	}

}
