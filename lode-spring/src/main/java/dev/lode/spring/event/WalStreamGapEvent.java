package dev.lode.spring.event;

import dev.lode.core.replication.StreamGap;

/**
 * Published when lode finds a gap in its stream: the slot it streamed from is gone (dropped, or not carried to a
 * promoted standby), invalidated, replaced, or on another server. Published before lode acts on
 * {@link StreamGap#action()}: before it refuses to stream ({@code lode.slot.on-loss=fail}), before the
 * re-synchronisation's snapshot starts ({@code resync}: a listener that keeps a copy can mark it stale here and drop
 * what the snapshot does not deliver again), before it goes on ({@code ignore}).
 *
 * @since 0.3.0
 */
public class WalStreamGapEvent extends WalStreamingEvent {

	private static final long serialVersionUID = 1L;

	private final transient StreamGap gap;

	/**
	 * @param source the container
	 * @param gap the gap
	 */
	public WalStreamGapEvent(Object source, StreamGap gap) {
		super(source, gap.slot());
		this.gap = gap;
	}

	/** @return the gap: what happened, the last acknowledged position and its time, what lode does */
	public StreamGap getGap() {
		return this.gap;
	}

}
