package dev.lode.core.replication;

/**
 * lode refuses to stream because its stream has a gap ({@code lode.slot.on-loss=fail}, or a policy that cannot be
 * followed): {@link #gap()} says what happened, {@link #action()} the ways out.
 *
 * @since 0.3.0
 */
public class SlotLossException extends ReplicationSetupException {

	private static final long serialVersionUID = 1L;

	private final transient StreamGap gap;

	/**
	 * @param gap the gap
	 * @param action the ways out
	 */
	public SlotLossException(StreamGap gap, String action) {
		super(gap.message(), action);
		this.gap = gap;
	}

	/** @return the gap */
	public StreamGap gap() {
		return this.gap;
	}

}
