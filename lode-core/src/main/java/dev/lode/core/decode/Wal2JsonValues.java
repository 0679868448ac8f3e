package dev.lode.core.decode;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.jspecify.annotations.Nullable;

/**
 * Converts wal2json value tokens to Java values: integers to {@link Integer} / {@link Long},
 * {@code numeric} to {@link java.math.BigDecimal} (never a double), {@code real} / {@code double precision}
 * to {@link Float} / {@link Double}, booleans, and everything else to its text.
 *
 * @since 0.1.0
 */
final class Wal2JsonValues {

	/**
	 * PostgreSQL's ISO output of {@code timestamptz}: {@code 2024-01-02 03:04:05.123456+05:30}. PostgreSQL prints
	 * UTC as {@code +00}, which the pattern parses; it must not be the "no offset" text, which would match the start
	 * of {@code +00:19:32} and leave the rest unparsed.
	 */
	static final DateTimeFormatter TIMESTAMPTZ = new DateTimeFormatterBuilder().append(DateTimeFormatter.ISO_LOCAL_DATE)
		.appendLiteral(' ')
		.appendValue(ChronoField.HOUR_OF_DAY, 2)
		.appendLiteral(':')
		.appendValue(ChronoField.MINUTE_OF_HOUR, 2)
		.appendLiteral(':')
		.appendValue(ChronoField.SECOND_OF_MINUTE, 2)
		.optionalStart()
		.appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
		.optionalEnd()
		.appendOffset("+HH:mm:ss", "Z")
		.toFormatter();

	private Wal2JsonValues() {
	}

	/**
	 * Reads the value at the parser's current token.
	 * @param parser positioned on a value token
	 * @param type the PostgreSQL type name, or {@code null} if not sent
	 * @return the Java value
	 * @throws IOException on a parser error
	 */
	static @Nullable Object read(JsonParser parser, @Nullable String type) throws IOException {
		JsonToken token = parser.currentToken();
		if (token == null) {
			throw new WalDecodeException("wal2json: value expected, input ended");
		}
		switch (token) {
			case VALUE_NULL:
				return null;
			case VALUE_TRUE:
				return Boolean.TRUE;
			case VALUE_FALSE:
				return Boolean.FALSE;
			case VALUE_STRING:
				return parser.getText();
			case VALUE_NUMBER_INT:
			case VALUE_NUMBER_FLOAT:
				try {
					return (token == JsonToken.VALUE_NUMBER_INT) ? readInteger(parser, type) : readFloat(parser, type);
				}
				catch (NumberFormatException | ArithmeticException ex) {
					// Jackson throws these, unwrapped, for numbers such as 1e2147483648 (exponent overflow)
					throw new WalDecodeException("wal2json: number out of range for type " + type, ex);
				}
			default:
				throw new WalDecodeException("wal2json: unexpected " + token + " where a column value belongs");
		}
	}

	private static Object readInteger(JsonParser parser, @Nullable String type) throws IOException {
		if (type != null) {
			if (type.startsWith("numeric") || type.startsWith("decimal")) {
				return parser.getDecimalValue();
			}
			if (type.equals("bigint") || type.equals("int8")) {
				return parser.getLongValue();
			}
			// from the text: an integer token loses the sign of a negative zero ("-0")
			if (type.equals("real") || type.equals("float4")) {
				return Float.valueOf(parser.getText());
			}
			if (type.equals("double precision") || type.equals("float8")) {
				return Double.valueOf(parser.getText());
			}
		}
		return switch (parser.getNumberType()) {
			case INT -> parser.getIntValue();
			case LONG -> parser.getLongValue();
			default -> parser.getDecimalValue();
		};
	}

	private static Object readFloat(JsonParser parser, @Nullable String type) throws IOException {
		if (type != null) {
			if (type.equals("real") || type.equals("float4")) {
				return parser.getFloatValue();
			}
			if (type.equals("double precision") || type.equals("float8")) {
				return parser.getDoubleValue();
			}
		}
		return parser.getDecimalValue();
	}

	/**
	 * Parses a commit timestamp as wal2json renders it (session DateStyle ISO).
	 * @param text the timestamp text
	 * @return the timestamp with its offset
	 */
	static OffsetDateTime timestamp(String text) {
		try {
			return OffsetDateTime.parse(text, TIMESTAMPTZ);
		}
		catch (DateTimeParseException ex) {
			throw new WalDecodeException("wal2json: unreadable commit timestamp '" + text + "'", ex);
		}
	}

}
