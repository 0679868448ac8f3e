package dev.lode.core.decode;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.lode.core.RawText;
import org.jspecify.annotations.Nullable;

/**
 * Reads wal2json value tokens into a {@link Row}: with a type name, the token's text goes through the shared
 * {@link PgValues} converter (so wal2json and pgoutput give the same values); without one, JSON numbers become
 * {@link Integer} / {@link Long} / {@link java.math.BigDecimal}, booleans {@link Boolean}, strings {@link String}.
 * wal2json sends {@code NaN} and infinities of {@code numeric}, {@code real} and {@code double precision} as
 * {@code null}.
 *
 * @since 0.1.0
 */
final class Wal2JsonValues {

	/**
	 * The longest number PostgreSQL can send: {@code numeric} allows 131072 digits before and 16383 after the
	 * decimal point (147457 characters with sign and point). Jackson's default limit (1000) rejected real values.
	 */
	static final int MAX_NUMBER_LENGTH = 150_000;

	private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
		.maxStringLength(Integer.MAX_VALUE)
		.maxNumberLength(MAX_NUMBER_LENGTH)
		.build();

	/** For format 2. */
	static final JsonFactory JSON = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();

	/**
	 * For format 1: wal2json 2.5 writes {@code {"change":[,{...}]}} for a non-transactional message that follows
	 * a transaction (wal2json #266); the missing value reads as {@code null} and is skipped.
	 */
	static final JsonFactory JSON_V1 = JsonFactory.builder()
		.streamReadConstraints(CONSTRAINTS)
		.enable(JsonReadFeature.ALLOW_MISSING_VALUES)
		.build();

	private static final int MAX_CACHED_TYPES = 4096;

	private final Map<String, PgType> types = new HashMap<>();

	/**
	 * Reads the value at the parser's current token into the row.
	 * @param parser positioned on a value token
	 * @param row the row to add to
	 * @param old whether the value belongs to the old row / key
	 * @param name the column name
	 * @param typeName the PostgreSQL type name, or {@code null} if not sent
	 * @throws IOException on a parser error
	 */
	void read(JsonParser parser, Row row, boolean old, String name, @Nullable String typeName) throws IOException {
		JsonToken token = parser.currentToken();
		if (token == null) {
			throw new WalDecodeException("wal2json: value expected, input ended");
		}
		String text = switch (token) {
			case VALUE_NULL -> null;
			case VALUE_TRUE -> "true";
			case VALUE_FALSE -> "false";
			case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getText();
			default -> throw new WalDecodeException("wal2json: unexpected " + token + " where a column value belongs");
		};
		if (typeName != null) {
			row.text(old, name, type(typeName), typeName, text, true);
			return;
		}
		Object value = untyped(parser, token);
		row.value(old, name, value, null, (text == null || text.equals(RawText.of(value))) ? null : text);
	}

	private PgType type(String typeName) {
		PgType type = this.types.get(typeName);
		if (type == null) {
			if (this.types.size() >= MAX_CACHED_TYPES) {
				this.types.clear();
			}
			type = PgTypes.byName(typeName);
			this.types.put(typeName, type);
		}
		return type;
	}

	private static @Nullable Object untyped(JsonParser parser, JsonToken token) throws IOException {
		try {
			return switch (token) {
				case VALUE_NULL -> null;
				case VALUE_TRUE -> Boolean.TRUE;
				case VALUE_FALSE -> Boolean.FALSE;
				case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
					case INT -> parser.getIntValue();
					case LONG -> parser.getLongValue();
					default -> parser.getDecimalValue();
				};
				case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
				default -> parser.getText();
			};
		}
		catch (NumberFormatException | ArithmeticException ex) {
			// Jackson throws these, unwrapped, for numbers such as 1e2147483648 (exponent overflow)
			throw new WalDecodeException("wal2json: number out of range", ex);
		}
	}

	/**
	 * Parses a commit timestamp as wal2json renders it (session DateStyle ISO).
	 * @param text the timestamp text
	 * @return the timestamp in UTC
	 */
	static OffsetDateTime timestamp(String text) {
		try {
			return PgTimes.timestamptz(text);
		}
		catch (WalDecodeException ex) {
			throw new WalDecodeException("wal2json: unreadable commit timestamp", ex);
		}
	}

}
