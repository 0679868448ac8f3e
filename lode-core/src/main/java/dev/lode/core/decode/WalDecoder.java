package dev.lode.core.decode;

import java.nio.ByteBuffer;
import java.util.Map;

import dev.lode.core.Lsn;

/**
 * Turns the payload of replication messages of one output plugin format into transaction
 * boundaries and {@link dev.lode.core.WalChange}s. A decoder instance serves one stream and is used by
 * one thread; it may keep state between messages (the open transaction).
 *
 * @since 0.1.0
 */
public interface WalDecoder {

	/**
	 * @return the logical decoding output plugin this decoder reads, e.g. {@code wal2json}
	 */
	String plugin();

	/**
	 * @return the plugin options to send with {@code START_REPLICATION}, in order
	 */
	Map<String, String> slotOptions();

	/**
	 * @return what the decoder needs from the database before streaming (a publication, the catalog);
	 * nothing by default
	 */
	default java.util.List<DecoderSetup> setup() {
		return java.util.List.of();
	}

	/**
	 * Receives what {@link #setup()} asked for, before the stream starts (again at every reconnect).
	 * @param serverMajorVersion the server's major version (15 for 15.20)
	 * @param columns the watched tables' columns, or {@link TableColumns#NONE} if not asked for
	 */
	default void prepared(int serverMajorVersion, TableColumns columns) {
	}

	/**
	 * @return whether the plugin sends a whole transaction as one message (wal2json format 1), so that a
	 * transaction must fit in memory
	 */
	default boolean sendsTransactionsWhole() {
		return false;
	}

	/**
	 * Decodes one XLogData payload.
	 * @param payload the message payload (position to limit)
	 * @param messageLsn the XLogData start LSN the driver reported for it
	 * @param sink where to send what was decoded
	 * @throws WalDecodeException if the payload is not valid for this format
	 * @throws Exception whatever the sink threw
	 */
	void decode(ByteBuffer payload, Lsn messageLsn, DecodeSink sink) throws Exception;

	/**
	 * Forgets any partial transaction; called when a new stream starts.
	 */
	void reset();

}
