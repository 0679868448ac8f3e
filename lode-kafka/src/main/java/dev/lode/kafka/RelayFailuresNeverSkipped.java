package dev.lode.kafka;

import dev.lode.core.WalChange;
import dev.lode.spring.listener.ListenerFailedException;
import dev.lode.spring.listener.WalChangeErrorHandler;
import org.jspecify.annotations.Nullable;

/**
 * An error handler around lode's own that never lets a relay failure be skipped: when the delegate gives up on a
 * change whose last failure was the relay's and returns (as {@code lode.listener.failure-action=skip} does), this
 * throws that failure instead, so lode stops streaming without acknowledging the transaction. A skipped relay
 * failure would be a record that never reaches Kafka. Failures of other listeners are the delegate's business.
 *
 * @since 0.2.0
 */
public class RelayFailuresNeverSkipped implements WalChangeErrorHandler {

	private final WalChangeErrorHandler delegate;

	/**
	 * @param delegate the error handler that retries (and stops or skips)
	 */
	public RelayFailuresNeverSkipped(WalChangeErrorHandler delegate) {
		this.delegate = delegate;
	}

	@Override
	public void handle(WalChange change, Exception failure, Redelivery redelivery) throws Exception {
		if (!relayFailed(failure)) {
			this.delegate.handle(change, failure, redelivery);
			return;
		}
		Exception[] last = { failure };
		this.delegate.handle(change, failure, () -> {
			try {
				redelivery.redeliver();
				last[0] = null;
			}
			catch (Exception ex) {
				last[0] = ex;
				throw ex;
			}
		});
		Exception unresolved = last[0];
		if (unresolved != null && relayFailed(unresolved)) {
			throw unresolved;
		}
	}

	private static boolean relayFailed(@Nullable Exception failure) {
		return failure instanceof ListenerFailedException listenerFailure
				&& listenerFailure.getListenerIds().contains(KafkaChangeRelay.LISTENER_ID);
	}

}
