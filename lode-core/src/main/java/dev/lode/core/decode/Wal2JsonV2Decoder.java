package dev.lode.core.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * Decoder of wal2json {@code format-version 2}: one JSON object per message, {@code B} and {@code C}
 * around the changes of each transaction. It holds one change at a time, so transactions of any size
 * flow through in bounded memory. Values are converted by their type names (see {@link dev.lode.core.WalChange});
 * a transaction is acknowledged at {@code nextlsn} of its {@code C} message, and
 * {@link dev.lode.core.TransactionInfo#commitLsn()} is the commit start ({@code lsn} of {@code B}).
 *
 * @since 0.1.0
 */
public final class Wal2JsonV2Decoder implements WalDecoder {

	static final int MAX_NUMBER_LENGTH = Wal2JsonValues.MAX_NUMBER_LENGTH;

	static final JsonFactory JSON = Wal2JsonValues.JSON;

	private final Map<String, String> options;

	private final Wal2JsonValues values = new Wal2JsonValues();

	private final List<dev.lode.core.WatchedTable> watched;

	private TableColumns columns = TableColumns.NONE;

	private @Nullable TransactionInfo current;

	/**
	 * A decoder that receives the changes of all tables.
	 */
	public Wal2JsonV2Decoder() {
		this(Wal2JsonFilter.ALL);
	}

	/**
	 * A decoder that asks wal2json to send only the tables and kinds of change of the filter.
	 * @param filter the server-side filter
	 */
	public Wal2JsonV2Decoder(Wal2JsonFilter filter) {
		this.options = filter.slotOptions(2);
		this.watched = filter.watched();
	}

	@Override
	public String plugin() {
		return "wal2json";
	}

	@Override
	public Map<String, String> slotOptions() {
		return this.options;
	}

	@Override
	public void reset() {
		this.current = null;
	}

	@Override
	public void decode(ByteBuffer payload, Lsn messageLsn, DecodeSink sink) throws Exception {
		Message message;
		try (JsonParser parser = createParser(payload)) {
			message = read(parser, this.values);
		}
		catch (JsonProcessingException ex) {
			throw new WalDecodeException("wal2json v2: malformed message at " + messageLsn + ": " + ex.getOriginalMessage(),
					ex);
		}
		catch (IOException ex) {
			throw new WalDecodeException("wal2json v2: unreadable message at " + messageLsn, ex);
		}
		dispatch(message, messageLsn, sink);
	}

	private static JsonParser createParser(ByteBuffer payload) throws IOException {
		if (payload.hasArray()) {
			return JSON.createParser(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
		}
		// direct or read-only buffer: no accessible array; copy without moving the caller's position
		byte[] bytes = new byte[payload.remaining()];
		payload.duplicate().get(bytes);
		return JSON.createParser(bytes);
	}

	private void dispatch(Message m, Lsn messageLsn, DecodeSink sink) throws Exception {
		switch (m.action) {
			case "B" -> {
				if (this.current != null) {
					throw new WalDecodeException("wal2json v2: BEGIN at " + messageLsn + " inside an open transaction");
				}
				TransactionInfo tx = new TransactionInfo(m.xid, (m.lsn != null) ? m.lsn : Lsn.INVALID,
						(m.timestamp != null) ? Wal2JsonValues.timestamp(m.timestamp) : null);
				this.current = tx;
				sink.begin(tx);
			}
			case "C" -> {
				TransactionInfo tx = requireTransaction(m, messageLsn);
				this.current = null;
				sink.commit(tx, (m.nextLsn != null) ? m.nextLsn : messageLsn);
			}
			case "I", "U", "D", "T" -> sink.change(change(m, requireTransaction(m, messageLsn), messageLsn));
			case "M" -> {
				if (!m.transactional) {
					sink.message(messageLsn, nonNull(m.prefix), nonNull(m.content));
				}
				else {
					sink.transactionalMessage((m.lsn != null) ? m.lsn : messageLsn, nonNull(m.prefix),
							nonNull(m.content));
				}
			}
			default -> throw new WalDecodeException("wal2json v2: unknown action '" + m.action + "' at " + messageLsn);
		}
	}

	private static String nonNull(@Nullable String value) {
		return (value != null) ? value : "";
	}

	private TransactionInfo requireTransaction(Message m, Lsn messageLsn) {
		TransactionInfo tx = this.current;
		if (tx == null) {
			throw new WalDecodeException(
					"wal2json v2: action '" + m.action + "' at " + messageLsn + " outside a transaction");
		}
		return tx;
	}

	/** Asks for the catalog: an UPDATE leaves unchanged TOASTed columns out without a marker (and format 1 its
	 * NULL old values). */
	@Override
	public List<DecoderSetup> setup() {
		return List.of(new DecoderSetup.Catalog(this.watched));
	}

	@Override
	public void prepared(int serverMajorVersion, TableColumns columns) {
		this.columns = columns;
	}

	private WalChange change(Message m, TransactionInfo tx, Lsn messageLsn) {
		if (m.schema == null || m.table == null) {
			throw new WalDecodeException("wal2json v2: change at " + messageLsn + " without schema or table");
		}
		ChangeKind kind = switch (m.action) {
			case "I" -> ChangeKind.INSERT;
			case "U" -> ChangeKind.UPDATE;
			case "D" -> ChangeKind.DELETE;
			default -> ChangeKind.TRUNCATE;
		};
		this.columns.complete(m.row, m.schema, m.table, kind, false);
		return m.row.build(m.schema, m.table, kind, tx, (m.lsn != null) ? m.lsn : messageLsn);
	}

	private static Message read(JsonParser parser, Wal2JsonValues values) throws IOException {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			throw new WalDecodeException("wal2json v2: message is not a JSON object");
		}
		Message m = new Message();
		String field;
		while ((field = parser.nextFieldName()) != null) {
			JsonToken token = parser.nextToken();
			switch (field) {
				case "action" -> m.action = text(parser, field);
				case "xid" -> m.xid = xid(parser, token);
				// only BEGIN's commit time is used: skip the text of every other message's
				case "timestamp" -> m.timestamp = ("B".equals(m.action) || m.action == null) ? text(parser, field) : null;
				case "lsn" -> m.lsn = lsn(parser, field);
				case "nextlsn" -> m.nextLsn = lsn(parser, field);
				case "schema" -> m.schema = text(parser, field);
				case "table" -> m.table = text(parser, field);
				case "columns" -> readColumns(parser, values, m.row, false);
				case "identity" -> readColumns(parser, values, m.row, true);
				case "transactional" -> m.transactional = bool(token, field);
				case "prefix" -> m.prefix = text(parser, field);
				case "content" -> m.content = text(parser, field);
				default -> parser.skipChildren();
			}
		}
		if (parser.currentToken() != JsonToken.END_OBJECT) {
			throw new WalDecodeException("wal2json v2: message ended early");
		}
		if (m.action == null) {
			throw new WalDecodeException("wal2json v2: message without \"action\"");
		}
		if (parser.nextToken() != null) {
			throw new WalDecodeException("wal2json v2: trailing content after the message object");
		}
		return m;
	}

	private static long xid(JsonParser parser, @Nullable JsonToken token) throws IOException {
		if (token == JsonToken.VALUE_NULL) {
			return -1;
		}
		if (token != JsonToken.VALUE_NUMBER_INT) {
			// anything else, in particular an object or array, must not be read as if it were the message
			throw new WalDecodeException("wal2json v2: \"xid\" is not an integer");
		}
		return parser.getLongValue();
	}

	private static boolean bool(@Nullable JsonToken token, String field) {
		if (token == JsonToken.VALUE_TRUE) {
			return true;
		}
		if (token == JsonToken.VALUE_FALSE || token == JsonToken.VALUE_NULL) {
			return false;
		}
		throw new WalDecodeException("wal2json v2: \"" + field + "\" is not a boolean");
	}

	private static @Nullable String text(JsonParser parser, String field) throws IOException {
		JsonToken token = parser.currentToken();
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		if (token != JsonToken.VALUE_STRING) {
			throw new WalDecodeException("wal2json v2: \"" + field + "\" is not a string");
		}
		return parser.getText();
	}

	private static @Nullable Lsn lsn(JsonParser parser, String field) throws IOException {
		String text = text(parser, field);
		if (text == null) {
			return null;
		}
		try {
			return Lsn.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new WalDecodeException("wal2json v2: \"" + field + "\" is not an LSN", ex);
		}
	}

	private static void readColumns(JsonParser parser, Wal2JsonValues values, Row row, boolean old)
			throws IOException {
		if (parser.currentToken() != JsonToken.START_ARRAY) {
			throw new WalDecodeException("wal2json v2: column list is not an array");
		}
		while (parser.nextToken() == JsonToken.START_OBJECT) {
			String name = null;
			String type = null;
			boolean hasValue = false;
			String field;
			while ((field = parser.nextFieldName()) != null) {
				parser.nextToken();
				switch (field) {
					case "name" -> name = text(parser, field);
					case "type" -> type = text(parser, field);
					case "value" -> {
						if (name == null) {
							// wal2json writes name, type, value in this order
							throw new WalDecodeException("wal2json v2: column value before its name");
						}
						values.read(parser, row, old, name, type);
						hasValue = true;
					}
					default -> parser.skipChildren();
				}
			}
			if (parser.currentToken() != JsonToken.END_OBJECT || name == null || !hasValue) {
				throw new WalDecodeException("wal2json v2: column without name or value");
			}
		}
		if (parser.currentToken() != JsonToken.END_ARRAY) {
			throw new WalDecodeException("wal2json v2: column list ended early");
		}
	}

	private static final class Message {

		@Nullable String action;

		long xid = -1;

		@Nullable String timestamp;

		@Nullable Lsn lsn;

		@Nullable Lsn nextLsn;

		@Nullable String schema;

		@Nullable String table;

		final Row row = new Row();

		boolean transactional;

		@Nullable String prefix;

		@Nullable String content;

	}

}
