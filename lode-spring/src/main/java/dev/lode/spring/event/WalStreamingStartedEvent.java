package dev.lode.spring.event;

import dev.lode.core.Lsn;

/**
 * Published when lode started streaming from its slot (also after a reconnect).
 *
 * @since 0.1.0
 */
public class WalStreamingStartedEvent extends WalStreamingEvent {

	private static final long serialVersionUID = 1L;

	private final Lsn startLsn;

	/**
	 * @param source the container that streams
	 * @param slotName the replication slot
	 * @param startLsn the slot's confirmed position streaming started from
	 */
	public WalStreamingStartedEvent(Object source, String slotName, Lsn startLsn) {
		super(source, slotName);
		this.startLsn = startLsn;
	}

	/** @return the slot's confirmed position streaming started from */
	public Lsn getStartLsn() {
		return this.startLsn;
	}

}
