package dev.lode.core.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import org.jspecify.annotations.Nullable;

/**
 * Decoder of wal2json {@code format-version 1}: one JSON object per transaction,
 * {@code {"xid":..,"nextlsn":..,"timestamp":..,"change":[...]}}. The {@code change} array is read as a stream,
 * one change at a time, so a large transaction never becomes a tree (it still arrives as one message, which
 * wal2json limits to 1 GB). A transaction is acknowledged at {@code "nextlsn"} (the end of its commit record,
 * requested with {@code include-lsn}), never at the message's XLogData LSN (its first LSN). A non-transactional
 * logical message arrives as its own object without {@code nextlsn} and is acknowledged at the message LSN.
 *
 * <p>Format 1 has no commit start LSN and no per-change LSN: {@link TransactionInfo#commitLsn()} is the
 * commit's <em>end</em> ({@code nextlsn}) and {@link dev.lode.core.WalChange#lsn()} is {@link Lsn#INVALID}.
 * {@code oldkeys} leave out NULL values: with {@code REPLICA IDENTITY FULL} the decoder adds them back from the
 * catalog lode reads for it ({@link TableColumns}, see {@link #setup()}), as it marks unchanged TOASTed columns; TRUNCATE is
 * never sent.
 *
 * @since 0.1.0
 */
public final class Wal2JsonV1Decoder implements WalDecoder {

	private final Map<String, String> options;

	private final Wal2JsonValues values = new Wal2JsonValues();

	private final List<dev.lode.core.WatchedTable> watched;

	private TableColumns columns = TableColumns.NONE;

	/**
	 * A decoder that receives the changes of all tables.
	 */
	public Wal2JsonV1Decoder() {
		this(Wal2JsonFilter.ALL);
	}

	/**
	 * A decoder that asks wal2json to send only the tables and kinds of change of the filter.
	 * @param filter the server-side filter
	 */
	public Wal2JsonV1Decoder(Wal2JsonFilter filter) {
		this.options = filter.slotOptions(1);
		this.watched = filter.watched();
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

	@Override
	public String plugin() {
		return "wal2json";
	}

	@Override
	public Map<String, String> slotOptions() {
		return this.options;
	}

	@Override
	public boolean sendsTransactionsWhole() {
		return true;
	}

	@Override
	public void reset() {
		// no state between messages
	}

	@Override
	public void decode(ByteBuffer payload, Lsn messageLsn, DecodeSink sink) throws Exception {
		try (JsonParser parser = createParser(payload)) {
			read(parser, messageLsn, sink);
		}
		catch (JsonProcessingException ex) {
			throw new WalDecodeException("wal2json v1: malformed message at " + messageLsn + ": " + ex.getOriginalMessage(),
					ex);
		}
		catch (IOException ex) {
			throw new WalDecodeException("wal2json v1: unreadable message at " + messageLsn, ex);
		}
	}

	private static JsonParser createParser(ByteBuffer payload) throws IOException {
		if (payload.hasArray()) {
			return Wal2JsonValues.JSON_V1.createParser(payload.array(), payload.arrayOffset() + payload.position(),
					payload.remaining());
		}
		byte[] bytes = new byte[payload.remaining()];
		payload.duplicate().get(bytes);
		return Wal2JsonValues.JSON_V1.createParser(bytes);
	}

	private void read(JsonParser parser, Lsn messageLsn, DecodeSink sink) throws Exception {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			throw new WalDecodeException("wal2json v1: message is not a JSON object");
		}
		long xid = -1;
		Lsn nextLsn = null;
		String timestamp = null;
		TransactionInfo tx = null;
		boolean changes = false;
		String field;
		while ((field = parser.nextFieldName()) != null) {
			JsonToken token = parser.nextToken();
			switch (field) {
				case "xid" -> xid = Json.xid(parser, token, "v1");
				case "nextlsn" -> nextLsn = Json.lsn(parser, field, "v1");
				case "timestamp" -> timestamp = Json.text(parser, field, "v1");
				case "change" -> {
					if (changes) {
						throw new WalDecodeException("wal2json v1: two \"change\" arrays");
					}
					changes = true;
					if (nextLsn != null) {
						tx = new TransactionInfo(xid, nextLsn,
								(timestamp != null) ? Wal2JsonValues.timestamp(timestamp) : null);
						sink.begin(tx);
					}
					readChanges(parser, tx, messageLsn, sink);
				}
				default -> parser.skipChildren();
			}
		}
		if (parser.currentToken() != JsonToken.END_OBJECT) {
			throw new WalDecodeException("wal2json v1: message ended early");
		}
		if (parser.nextToken() != null) {
			throw new WalDecodeException("wal2json v1: trailing content after the message object");
		}
		if (!changes) {
			throw new WalDecodeException("wal2json v1: message without \"change\"");
		}
		if (tx != null) {
			sink.commit(tx, tx.commitLsn());
		}
	}

	private void readChanges(JsonParser parser, @Nullable TransactionInfo tx, Lsn messageLsn, DecodeSink sink)
			throws Exception {
		if (parser.currentToken() != JsonToken.START_ARRAY) {
			throw new WalDecodeException("wal2json v1: \"change\" is not an array");
		}
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (token == JsonToken.VALUE_NULL) {
				continue; // {"change":[,{...}]}, wal2json #266
			}
			if (token != JsonToken.START_OBJECT) {
				throw new WalDecodeException("wal2json v1: change is not an object");
			}
			Change change = readChange(parser);
			if ("message".equals(change.kind)) {
				if (!change.transactional) {
					sink.message(messageLsn, (change.prefix != null) ? change.prefix : "",
							(change.content != null) ? change.content : "");
				}
				else {
					sink.transactionalMessage(messageLsn, (change.prefix != null) ? change.prefix : "",
							(change.content != null) ? change.content : "");
				}
				continue;
			}
			if (tx == null) {
				throw new WalDecodeException("wal2json v1: change at " + messageLsn
						+ " without \"nextlsn\" (is include-lsn set?)");
			}
			sink.change(change.build(tx, messageLsn, this.columns));
		}
	}

	private Change readChange(JsonParser parser) throws IOException {
		Change c = new Change();
		String field;
		while ((field = parser.nextFieldName()) != null) {
			JsonToken token = parser.nextToken();
			switch (field) {
				case "kind" -> c.kind = Json.text(parser, field, "v1");
				case "schema" -> c.schema = Json.text(parser, field, "v1");
				case "table" -> c.table = Json.text(parser, field, "v1");
				case "columnnames" -> c.names = strings(parser, field);
				case "columntypes" -> c.types = strings(parser, field);
				case "columnvalues" -> readValues(parser, c.row, false, c.names, c.types);
				case "oldkeys" -> readOldKeys(parser, c.row);
				case "transactional" -> c.transactional = Json.bool(token, field, "v1");
				case "prefix" -> c.prefix = Json.text(parser, field, "v1");
				case "content" -> c.content = Json.text(parser, field, "v1");
				default -> parser.skipChildren();
			}
		}
		if (parser.currentToken() != JsonToken.END_OBJECT) {
			throw new WalDecodeException("wal2json v1: change ended early");
		}
		if (c.kind == null) {
			throw new WalDecodeException("wal2json v1: change without \"kind\"");
		}
		return c;
	}

	private void readOldKeys(JsonParser parser, Row row) throws IOException {
		if (parser.currentToken() != JsonToken.START_OBJECT) {
			throw new WalDecodeException("wal2json v1: \"oldkeys\" is not an object");
		}
		List<String> names = null;
		List<String> types = null;
		String field;
		while ((field = parser.nextFieldName()) != null) {
			parser.nextToken();
			switch (field) {
				case "keynames" -> names = strings(parser, field);
				case "keytypes" -> types = strings(parser, field);
				case "keyvalues" -> readValues(parser, row, true, names, types);
				default -> parser.skipChildren();
			}
		}
		if (parser.currentToken() != JsonToken.END_OBJECT) {
			throw new WalDecodeException("wal2json v1: \"oldkeys\" ended early");
		}
	}

	private void readValues(JsonParser parser, Row row, boolean old, @Nullable List<String> names,
			@Nullable List<String> types) throws IOException {
		if (parser.currentToken() != JsonToken.START_ARRAY) {
			throw new WalDecodeException("wal2json v1: value list is not an array");
		}
		if (names == null) {
			// wal2json writes names, types, values in this order
			throw new WalDecodeException("wal2json v1: values before names");
		}
		int i = 0;
		while (parser.nextToken() != JsonToken.END_ARRAY) {
			if (i >= names.size()) {
				throw new WalDecodeException("wal2json v1: more values than names");
			}
			String type = (types != null && i < types.size()) ? types.get(i) : null;
			this.values.read(parser, row, old, names.get(i), type);
			i++;
		}
		if (i != names.size()) {
			throw new WalDecodeException("wal2json v1: fewer values than names");
		}
	}

	private static List<String> strings(JsonParser parser, String field) throws IOException {
		if (parser.currentToken() != JsonToken.START_ARRAY) {
			throw new WalDecodeException("wal2json v1: \"" + field + "\" is not an array");
		}
		List<String> list = new ArrayList<>();
		while (parser.nextToken() == JsonToken.VALUE_STRING) {
			list.add(parser.getText());
		}
		if (parser.currentToken() != JsonToken.END_ARRAY) {
			throw new WalDecodeException("wal2json v1: \"" + field + "\" holds a non-string");
		}
		return list;
	}

	private static final class Change {

		@Nullable String kind;

		@Nullable String schema;

		@Nullable String table;

		@Nullable List<String> names;

		@Nullable List<String> types;

		final Row row = new Row();

		boolean transactional;

		@Nullable String prefix;

		@Nullable String content;

		dev.lode.core.WalChange build(TransactionInfo tx, Lsn messageLsn, TableColumns columns) {
			if (this.schema == null || this.table == null) {
				throw new WalDecodeException("wal2json v1: change at " + messageLsn + " without schema or table");
			}
			ChangeKind changeKind = switch (String.valueOf(this.kind)) {
				case "insert" -> ChangeKind.INSERT;
				case "update" -> ChangeKind.UPDATE;
				case "delete" -> ChangeKind.DELETE;
				default -> throw new WalDecodeException("wal2json v1: unknown kind at " + messageLsn);
			};
			columns.complete(this.row, this.schema, this.table, changeKind, true);
			return this.row.build(this.schema, this.table, changeKind, tx, Lsn.INVALID);
		}

	}

}
