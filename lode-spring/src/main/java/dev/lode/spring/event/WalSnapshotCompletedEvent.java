package dev.lode.spring.event;

import dev.lode.core.snapshot.SnapshotProgress;

/**
 * Published when a snapshot of a table completed: every row was delivered and its listeners completed.
 *
 * @since 0.2.0
 */
public class WalSnapshotCompletedEvent extends WalSnapshotEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * @param source what read the snapshot
	 * @param progress the final count
	 */
	public WalSnapshotCompletedEvent(Object source, SnapshotProgress progress) {
		super(source, progress);
	}

}
