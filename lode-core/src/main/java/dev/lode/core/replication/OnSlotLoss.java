package dev.lode.core.replication;

/**
 * What lode does when it finds that its stream has a gap: the slot it streamed from is gone, invalidated,
 * replaced, or lives on another server ({@code lode.slot.on-loss}).
 *
 * @since 0.3.0
 */
public enum OnSlotLoss {

	/**
	 * Stop streaming (health DOWN) and say what happened and the ways out; never create a slot over a known gap.
	 */
	FAIL,

	/**
	 * Create a new slot and read every watched table again with an on-demand snapshot (its rows carry a
	 * {@link dev.lode.core.SnapshotMarker} whose {@code isResync()} is true), so a listener that keeps a copy
	 * converges again.
	 */
	RESYNC,

	/** Go on from a new slot with a WARN that states the gap: the explicit opt-out. */
	IGNORE

}
