package dev.lode.spring.container;

import dev.lode.core.decode.WalDecodeException;
import dev.lode.core.replication.ChangeHandlingException;
import dev.lode.core.replication.ReplicationSetupException;

/**
 * Which failures of the replication loop are worth a reconnect.
 *
 * @since 0.1.0
 */
final class ReplicationFailures {

	private ReplicationFailures() {
	}

	/** @return what the listener threw, for a failure the change handler wrapped; else the failure */
	static Throwable unwrap(Throwable ex) {
		return (ex instanceof ChangeHandlingException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	/**
	 * Connection problems are worth a reconnect; listener failures (the error handler already gave
	 * up), undecodable data, setup problems and anything unexpected are not.
	 */
	static boolean isPermanent(Throwable ex) {
		if (ex instanceof ReplicationSetupException setup) {
			return !setup.isRetryable();
		}
		if (ex instanceof ChangeHandlingException || ex instanceof WalDecodeException) {
			return true;
		}
		return !(ex instanceof java.sql.SQLException || ex instanceof java.io.IOException
				|| ex instanceof java.io.UncheckedIOException || ex instanceof StreamEndedException);
	}

	/** The server ended the COPY stream without being asked to. */
	static final class StreamEndedException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		StreamEndedException() {
			super("The server ended the replication stream");
		}

	}

}
