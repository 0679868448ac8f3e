package dev.lode.spring.listener;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * An exponential {@link BackOff} with a longest interval and an optional number of attempts. lode's own,
 * because Spring Framework's {@code ExponentialBackOff.setMaxAttempts} takes an {@code int} in 6.2 and a
 * {@code long} in 7.0: code compiled against one fails with {@code NoSuchMethodError} on the other, and
 * lode runs on both.
 *
 * @param initialIntervalMillis the first interval
 * @param multiplier what each interval is multiplied by for the next one (at least 1)
 * @param maxIntervalMillis the longest interval
 * @param maxAttempts how many intervals there are before {@link BackOffExecution#STOP}
 * ({@link Long#MAX_VALUE}: no limit)
 * @since 0.1.0
 */
public record BoundedExponentialBackOff(long initialIntervalMillis, double multiplier, long maxIntervalMillis,
		long maxAttempts) implements BackOff {

	/**
	 * Validates the settings.
	 */
	public BoundedExponentialBackOff {
		if (initialIntervalMillis < 0 || maxIntervalMillis < 0 || maxAttempts < 0) {
			throw new IllegalArgumentException("Intervals and attempts must not be negative");
		}
		if (multiplier < 1) {
			throw new IllegalArgumentException("The multiplier must be at least 1, not " + multiplier);
		}
	}

	/**
	 * @param initialIntervalMillis the first interval
	 * @param multiplier the factor between intervals
	 * @param maxIntervalMillis the longest interval
	 * @return a back-off without a limit of attempts
	 */
	public static BoundedExponentialBackOff unlimited(long initialIntervalMillis, double multiplier,
			long maxIntervalMillis) {
		return new BoundedExponentialBackOff(initialIntervalMillis, multiplier, maxIntervalMillis, Long.MAX_VALUE);
	}

	@Override
	public BackOffExecution start() {
		return new BackOffExecution() {

			private long attempts;

			private double next = BoundedExponentialBackOff.this.initialIntervalMillis;

			@Override
			public long nextBackOff() {
				if (this.attempts >= BoundedExponentialBackOff.this.maxAttempts) {
					return STOP;
				}
				this.attempts++;
				long interval = (long) Math.min(this.next, BoundedExponentialBackOff.this.maxIntervalMillis);
				this.next = Math.min(this.next * BoundedExponentialBackOff.this.multiplier,
						BoundedExponentialBackOff.this.maxIntervalMillis);
				return interval;
			}

		};
	}

}
