package dev.lode.spring.event;

import dev.lode.core.snapshot.SnapshotProgress;

/**
 * Published when a snapshot of a table starts, or resumes after a restart.
 *
 * @since 0.2.0
 */
public class WalSnapshotStartedEvent extends WalSnapshotEvent {

	private static final long serialVersionUID = 1L;

	private final boolean resumed;

	/**
	 * @param source what reads the snapshot
	 * @param progress where it starts
	 * @param resumed whether it continues one an earlier run began
	 */
	public WalSnapshotStartedEvent(Object source, SnapshotProgress progress, boolean resumed) {
		super(source, progress);
		this.resumed = resumed;
	}

	/** @return whether it continues a snapshot an earlier run began */
	public boolean isResumed() {
		return this.resumed;
	}

}
