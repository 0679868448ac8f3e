package dev.lode.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names a listener call's observation and its key values; define a bean of this type to replace lode's
 * {@link DefaultWalListenerObservationConvention}.
 *
 * @since 0.2.0
 */
public interface WalListenerObservationConvention extends ObservationConvention<WalListenerObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof WalListenerObservationContext;
	}

}
