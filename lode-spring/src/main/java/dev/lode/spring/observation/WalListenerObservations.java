package dev.lode.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Turns on an {@link Observation} per listener call (as spring-kafka's {@code observationEnabled}): define a
 * bean of this type (Spring Boot does with {@code lode.observation.enabled=true}) and lode's listeners observe
 * each call in its registry, with a {@link WalListenerObservationConvention} bean if there is one, else
 * {@link DefaultWalListenerObservationConvention}. Without the bean nothing is observed and nothing is spent.
 *
 * @since 0.2.0
 */
public class WalListenerObservations {

	private final ObservationRegistry registry;

	private final @Nullable WalListenerObservationConvention convention;

	/**
	 * @param registry where observations go
	 * @param convention replaces lode's convention, or {@code null}
	 */
	public WalListenerObservations(ObservationRegistry registry, @Nullable WalListenerObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	/**
	 * @param context what the call is about
	 * @return the observation, started
	 */
	public Observation start(WalListenerObservationContext context) {
		return Observation.createNotStarted(this.convention, DefaultWalListenerObservationConvention.INSTANCE,
				() -> context, this.registry).start();
	}

}
