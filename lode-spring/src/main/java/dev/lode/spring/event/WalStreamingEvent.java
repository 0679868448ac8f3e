package dev.lode.spring.event;

import org.springframework.context.ApplicationEvent;

/**
 * Base of the events about lode's streaming lifecycle.
 *
 * @since 0.1.0
 */
public abstract class WalStreamingEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String slotName;

	/**
	 * @param source the container that streams
	 * @param slotName the replication slot
	 */
	protected WalStreamingEvent(Object source, String slotName) {
		super(source);
		this.slotName = slotName;
	}

	/**
	 * @return the name of lode's source that streams ({@code default} for the one configured under {@code lode.*}),
	 * when a {@link dev.lode.spring.container.WalReplicationContainer} published the event
	 * @since 0.4.0
	 */
	public String getSourceName() {
		return (getSource() instanceof dev.lode.spring.container.WalReplicationContainer container)
				? container.getSourceName() : dev.lode.spring.listener.WalSources.DEFAULT;
	}

	/** @return the replication slot */
	public String getSlotName() {
		return this.slotName;
	}

}
