package dev.lode.spring.listener;

/**
 * How the dispatcher runs listeners.
 *
 * @param concurrency the number of lanes; 1 runs every listener on the replication thread, in commit order
 * @param ordering with more than one lane, what keeps its commit order
 * @param maxInFlight the most changes dispatched whose listeners (lanes, asynchronous listeners) have not
 * completed; beyond, the replication thread waits
 * @param maxInFlightBytes the most estimated bytes of such changes, 0 for no limit
 * @since 0.2.0
 */
public record DispatchOptions(int concurrency, ListenerOrdering ordering, int maxInFlight, long maxInFlightBytes) {

	/** One lane: every listener on the replication thread (asynchronous listeners bounded by 1,000 changes, 64 MB). */
	public static final DispatchOptions SERIAL = new DispatchOptions(1, ListenerOrdering.ROW, 1000, 64L << 20);

	/**
	 * @param concurrency at least 1
	 * @param ordering what stays in order
	 * @param maxInFlight at least 1
	 * @param maxInFlightBytes 0 or more
	 */
	public DispatchOptions {
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
		}
		if (maxInFlight < 1) {
			throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
		}
		if (maxInFlightBytes < 0) {
			throw new IllegalArgumentException("maxInFlightBytes must not be negative, was " + maxInFlightBytes);
		}
	}

}
