package dev.lode.spring.listener;

/**
 * What stays in commit order when changes run on several lanes ({@code lode.listener.concurrency} above 1).
 *
 * @since 0.2.0
 */
public enum ListenerOrdering {

	/**
	 * The changes of one row (table and key) run on one lane, in commit order; changes of different rows may
	 * run in any order, concurrently. Tables without a key are ordered as under {@link #TABLE}.
	 */
	ROW,

	/** The changes of one table run on one lane, in commit order; different tables run concurrently. */
	TABLE

}
