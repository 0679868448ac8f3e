package dev.lode.spring.event;

import dev.lode.core.Lsn;
import org.jspecify.annotations.Nullable;

/**
 * Published when lode stopped streaming on request (the application context closes or the container
 * was stopped).
 *
 * @since 0.1.0
 */
public class WalStreamingStoppedEvent extends WalStreamingEvent {

	private static final long serialVersionUID = 1L;

	private final @Nullable Lsn acknowledgedLsn;

	/**
	 * @param source the container that streamed
	 * @param slotName the replication slot
	 * @param acknowledgedLsn the last position acknowledged to the server, {@code null} if none
	 */
	public WalStreamingStoppedEvent(Object source, String slotName, @Nullable Lsn acknowledgedLsn) {
		super(source, slotName);
		this.acknowledgedLsn = acknowledgedLsn;
	}

	/** @return the last position acknowledged to the server, {@code null} if none */
	public @Nullable Lsn getAcknowledgedLsn() {
		return this.acknowledgedLsn;
	}

}
