package dev.lode.core.decode;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lode.core.Lsn;
import org.jspecify.annotations.Nullable;

/**
 * Strict readers of wal2json's scalar fields: the wrong JSON type is a {@link WalDecodeException}, never a
 * silently misread message.
 *
 * @since 0.1.0
 */
final class Json {

	private Json() {
	}

	static long xid(JsonParser parser, @Nullable JsonToken token, String format) throws IOException {
		if (token == JsonToken.VALUE_NULL) {
			return -1;
		}
		if (token != JsonToken.VALUE_NUMBER_INT) {
			throw new WalDecodeException("wal2json " + format + ": \"xid\" is not an integer");
		}
		try {
			return parser.getLongValue();
		}
		catch (IOException | RuntimeException ex) {
			throw new WalDecodeException("wal2json " + format + ": \"xid\" is out of range", ex);
		}
	}

	static boolean bool(@Nullable JsonToken token, String field, String format) {
		if (token == JsonToken.VALUE_TRUE) {
			return true;
		}
		if (token == JsonToken.VALUE_FALSE || token == JsonToken.VALUE_NULL) {
			return false;
		}
		throw new WalDecodeException("wal2json " + format + ": \"" + field + "\" is not a boolean");
	}

	static @Nullable String text(JsonParser parser, String field, String format) throws IOException {
		JsonToken token = parser.currentToken();
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		if (token != JsonToken.VALUE_STRING) {
			throw new WalDecodeException("wal2json " + format + ": \"" + field + "\" is not a string");
		}
		return parser.getText();
	}

	static @Nullable Lsn lsn(JsonParser parser, String field, String format) throws IOException {
		String text = text(parser, field, format);
		if (text == null) {
			return null;
		}
		try {
			return Lsn.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new WalDecodeException("wal2json " + format + ": \"" + field + "\" is not an LSN", ex);
		}
	}

}
