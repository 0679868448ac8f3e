package dev.lode.core.decode;

/**
 * A replication message could not be decoded. The stream stops without acknowledging the message.
 *
 * @since 0.1.0
 */
public class WalDecodeException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what was wrong (never row values)
	 */
	public WalDecodeException(String message) {
		super(message);
	}

	/**
	 * @param message what was wrong (never row values)
	 * @param cause the underlying parser error
	 */
	public WalDecodeException(String message, Throwable cause) {
		super(message, cause);
	}

}
