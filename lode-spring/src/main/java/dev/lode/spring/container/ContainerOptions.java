package dev.lode.spring.container;

import dev.lode.spring.listener.BoundedExponentialBackOff;
import java.time.Duration;

import org.springframework.util.backoff.BackOff;

/**
 * How a {@link WalReplicationContainer} starts, reconnects, stands by and stops.
 *
 * @param autoStartup whether to start with the application context
 * @param shutdownTimeout how long stopping may wait for the transaction in flight
 * @param reconnectBackOff intervals between reconnect attempts after the connection was lost
 * @param takeoverInterval time between attempts to take over a slot another process streams from
 * @since 0.1.0
 */
public record ContainerOptions(boolean autoStartup, Duration shutdownTimeout, BackOff reconnectBackOff,
		Duration takeoverInterval) {

	/**
	 * @return the defaults: auto-startup, 10 s shutdown timeout, reconnect after 1 s doubling up to 30 s
	 * without limit, take-over attempts every 5 s
	 */
	public static ContainerOptions defaults() {
		return new ContainerOptions(true, Duration.ofSeconds(10), BoundedExponentialBackOff.unlimited(1000, 2.0, 30_000),
				Duration.ofSeconds(5));
	}

}
