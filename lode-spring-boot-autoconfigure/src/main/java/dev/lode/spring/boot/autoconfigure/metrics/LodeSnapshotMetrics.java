package dev.lode.spring.boot.autoconfigure.metrics;

import dev.lode.core.snapshot.SnapshotListener;
import dev.lode.core.snapshot.SnapshotProgress;
import dev.lode.spring.container.LodeSnapshots;
import dev.lode.spring.listener.WalSources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Snapshot meters: {@code lode.snapshot.rows} (rows delivered, tag {@code table}) and
 * {@code lode.snapshot.remaining.rows} (the estimated rows the running snapshots still have to read).
 *
 * @since 0.2.0
 */
public class LodeSnapshotMetrics implements MeterBinder {

	private final LodeSnapshots snapshots;

	private final String source;

	/**
	 * @param snapshots the snapshots to measure
	 */
	public LodeSnapshotMetrics(LodeSnapshots snapshots) {
		this(snapshots, WalSources.DEFAULT);
	}

	/**
	 * @param snapshots the snapshots to measure
	 * @param source their source's name (the tag {@code source})
	 * @since 0.4.0
	 */
	public LodeSnapshotMetrics(LodeSnapshots snapshots, String source) {
		this.snapshots = snapshots;
		this.source = source;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("lode.snapshot.remaining.rows", this.snapshots, LodeSnapshotMetrics::remaining)
			.description("Estimated rows the running snapshots have still to read")
			.tag("source", this.source)
			.register(registry);
		this.snapshots.getCoordinator().addListener(new SnapshotListener() {

			@Override
			public void chunkDelivered(SnapshotProgress progress, int rows) {
				Counter.builder("lode.snapshot.rows")
					.description("Rows snapshots delivered")
					.tag("source", LodeSnapshotMetrics.this.source)
					.tag("table", progress.table())
					.register(registry)
					.increment(rows);
			}

		});
	}

	private static double remaining(LodeSnapshots snapshots) {
		return snapshots.running().stream().mapToLong(SnapshotProgress::remainingRows).sum();
	}

}
