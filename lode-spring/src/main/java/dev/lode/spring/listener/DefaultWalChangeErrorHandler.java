package dev.lode.spring.listener;

import dev.lode.core.WalChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Redelivers a failed change after the intervals of a {@link BackOff}; when the back-off is
 * exhausted it stops streaming ({@link FailureAction#STOP}, the default) or skips the change
 * ({@link FailureAction#SKIP}, opt-in: only the listeners that failed miss the change).
 *
 * @since 0.1.0
 */
public class DefaultWalChangeErrorHandler implements WalChangeErrorHandler {

	private static final Logger logger = LoggerFactory.getLogger(DefaultWalChangeErrorHandler.class);

	private final BackOff backOff;

	private final FailureAction whenExhausted;

	/**
	 * @param backOff the intervals between redeliveries; its number of attempts limits them
	 * @param whenExhausted what to do when no redelivery is left
	 */
	public DefaultWalChangeErrorHandler(BackOff backOff, FailureAction whenExhausted) {
		this.backOff = backOff;
		this.whenExhausted = whenExhausted;
	}

	@Override
	public void handle(WalChange change, Exception failure, Redelivery redelivery) throws Exception {
		BackOffExecution execution = this.backOff.start();
		Exception last = failure;
		int attempt = 1;
		while (true) {
			long wait = execution.nextBackOff();
			if (wait == BackOffExecution.STOP) {
				break;
			}
			attempt++;
			logger.warn("Listener '{}' failed on {} {} at {}; delivering the change to it again in {} ms (attempt {})",
					listenerIds(last), change.kind(), change.qualifiedTable(), change.lsn(), wait, attempt);
			Thread.sleep(wait);
			try {
				redelivery.redeliver();
				logger.info("{} {} at {} succeeded on attempt {}", change.kind(), change.qualifiedTable(), change.lsn(),
						attempt);
				return;
			}
			catch (Exception ex) {
				last = ex;
			}
		}
		if (this.whenExhausted == FailureAction.SKIP) {
			logger.error("Listener '{}' skips {} {} at {} (commit {}) after {} attempts: it failed every time; the"
					+ " other listeners received the change, which is acknowledged with its transaction and not"
					+ " delivered again", listenerIds(last), change.kind(), change.qualifiedTable(), change.lsn(),
					change.commitLsn(), attempt, last);
			return;
		}
		throw last;
	}

	private static String listenerIds(Exception failure) {
		return (failure instanceof ListenerFailedException listenerFailure)
				? String.join("', '", listenerFailure.getListenerIds()) : "unknown";
	}

}
