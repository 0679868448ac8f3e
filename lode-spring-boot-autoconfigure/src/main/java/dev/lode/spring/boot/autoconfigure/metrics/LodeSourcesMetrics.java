package dev.lode.spring.boot.autoconfigure.metrics;

import dev.lode.spring.container.LodeSource;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.listener.WalSources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The gauges of {@link LodeDispatchMetrics} and {@link LodeSnapshotMetrics} for each source besides the default
 * ({@code lode.sources.<name>}), tagged with its name ({@code source}); the default source's are beans of their own.
 *
 * @since 0.4.0
 */
public class LodeSourcesMetrics implements MeterBinder {

	private final LodeSources sources;

	/**
	 * @param sources lode's sources
	 */
	public LodeSourcesMetrics(LodeSources sources) {
		this.sources = sources;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (LodeSource source : this.sources.all()) {
			if (WalSources.DEFAULT.equals(source.name())) {
				continue;
			}
			new LodeDispatchMetrics(source.container(), source.name()).bindTo(registry);
			if (source.snapshots() != null) {
				new LodeSnapshotMetrics(source.snapshots(), source.name()).bindTo(registry);
			}
		}
	}

}
