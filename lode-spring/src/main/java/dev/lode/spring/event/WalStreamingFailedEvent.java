package dev.lode.spring.event;

import dev.lode.core.Lsn;
import org.jspecify.annotations.Nullable;

/**
 * Published when streaming stopped because of an error (a listener failed, the connection could not
 * be restored, the stream could not be decoded). Nothing after {@link #getAcknowledgedLsn()} was
 * acknowledged; it is delivered again on the next start.
 *
 * @since 0.1.0
 */
public class WalStreamingFailedEvent extends WalStreamingEvent {

	private static final long serialVersionUID = 1L;

	private final @Nullable Lsn acknowledgedLsn;

	private final Throwable cause;

	/**
	 * @param source the container that streamed
	 * @param slotName the replication slot
	 * @param acknowledgedLsn the last position acknowledged to the server, {@code null} if none
	 * @param cause what stopped streaming
	 */
	public WalStreamingFailedEvent(Object source, String slotName, @Nullable Lsn acknowledgedLsn, Throwable cause) {
		super(source, slotName);
		this.acknowledgedLsn = acknowledgedLsn;
		this.cause = cause;
	}

	/** @return the last position acknowledged to the server, {@code null} if none */
	public @Nullable Lsn getAcknowledgedLsn() {
		return this.acknowledgedLsn;
	}

	/** @return what stopped streaming */
	public Throwable getCause() {
		return this.cause;
	}

}
