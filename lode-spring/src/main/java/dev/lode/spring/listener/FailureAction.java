package dev.lode.spring.listener;


/**
 * What {@link DefaultWalChangeErrorHandler} does when the retries of a failed change are exhausted.
 *
 * @since 0.1.0
 */
public enum FailureAction {

	/**
	 * Stop streaming: nothing of the transaction is acknowledged, health is DOWN, and the change is
	 * delivered again after the next start. The default: nothing is lost.
	 */
	STOP,

	/**
	 * Log the change's table, kind, LSN and listener, then go on as if it was handled: it is
	 * acknowledged with its transaction and never delivered again. Opt-in: the change is lost for
	 * the failing listener.
	 */
	SKIP

}
