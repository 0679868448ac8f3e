package dev.lode.core.replication;

/**
 * Another process streams from the slot. Transient: the slot becomes free when that process stops.
 *
 * @since 0.1.0
 */
public class SlotInUseException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message which slot and which process holds it
	 */
	public SlotInUseException(String message) {
		super(message);
	}

}
