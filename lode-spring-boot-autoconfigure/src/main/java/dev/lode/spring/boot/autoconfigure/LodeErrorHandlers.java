package dev.lode.spring.boot.autoconfigure;

import dev.lode.spring.listener.BoundedExponentialBackOff;
import dev.lode.spring.listener.DefaultWalChangeErrorHandler;
import org.springframework.util.backoff.BackOff;

/**
 * lode's default error handler as {@code lode.listener.retry.*} and {@code lode.listener.failure-action}
 * configure it, for auto-configurations that wrap it (the Kafka relay's).
 *
 * @since 0.2.0
 */
public final class LodeErrorHandlers {

	private LodeErrorHandlers() {
	}

	/**
	 * @param properties lode's properties
	 * @return a {@link DefaultWalChangeErrorHandler} with their retry and failure action
	 */
	public static DefaultWalChangeErrorHandler fromProperties(LodeProperties properties) {
		LodeProperties.Retry retry = properties.getListener().getRetry();
		// the first delivery is an attempt too
		BackOff backOff = backOff(retry, Math.max(0, retry.getMaxAttempts() - 1));
		return new DefaultWalChangeErrorHandler(backOff, properties.getListener().getFailureAction());
	}

	static BackOff backOff(LodeProperties.BackOffSettings settings, long maxAttempts) {
		return new BoundedExponentialBackOff(settings.getInitialInterval().toMillis(), settings.getMultiplier(),
				settings.getMaxInterval().toMillis(), maxAttempts);
	}

}
