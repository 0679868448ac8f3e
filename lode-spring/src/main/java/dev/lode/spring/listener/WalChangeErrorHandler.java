package dev.lode.spring.listener;

import dev.lode.core.WalChange;

/**
 * Decides what happens when the listeners of a change failed (the role of spring-kafka's
 * {@code CommonErrorHandler}). Return normally to go on (the change counts as handled and is
 * acknowledged with its transaction); throw to stop streaming without acknowledging anything of the
 * transaction. Define a bean of this type to replace lode's {@link DefaultWalChangeErrorHandler}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface WalChangeErrorHandler {

	/**
	 * Handles a failed change.
	 * @param change the change whose listeners failed
	 * @param failure what the first failing listener threw (usually a {@link ListenerFailedException})
	 * @param redelivery publishes the change again to all its listeners; throws if they fail again
	 * @throws Exception to stop streaming
	 */
	void handle(WalChange change, Exception failure, Redelivery redelivery) throws Exception;

	/**
	 * Publishes a change again.
	 */
	@FunctionalInterface
	interface Redelivery {

		/**
		 * Publishes the change again to all its listeners.
		 * @throws Exception if a listener fails again
		 */
		void redeliver() throws Exception;

	}

}
