package dev.lode.spring.boot.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lode.spring.container.LodeSource;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.listener.WalSources;

/**
 * The health indicators of the sources besides the default ({@code lode.sources.<name>}), by name: the children of
 * the {@code lodeSources} composite. Shared by both Boot lines (each compiles it against its own
 * {@link LodeHealthIndicator}).
 */
final class FurtherSourceIndicators {

	private FurtherSourceIndicators() {
	}

	static Map<String, LodeHealthIndicator> of(LodeSources sources) {
		Map<String, LodeHealthIndicator> indicators = new LinkedHashMap<>();
		for (LodeSource source : sources.all()) {
			if (!WalSources.DEFAULT.equals(source.name())) {
				indicators.put(source.name(), new LodeHealthIndicator(source.container(), source.format()));
			}
		}
		return indicators;
	}

}
