package dev.lode.core.decode;

import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.UUID;

import dev.lode.core.decode.PgType.Kind;
import org.jspecify.annotations.Nullable;

/**
 * The one converter from a column's text (as PostgreSQL's output function rendered it) to its Java value, used
 * by every decoder, so that all formats give the same values: see {@link PgType.Kind} for the mapping.
 *
 * @since 0.1.0
 */
final class PgValues {

	private static final HexFormat HEX = HexFormat.of();

	private PgValues() {
	}

	/**
	 * @param type the column's type
	 * @param text the value's text
	 * @param bareHexBytea whether a top-level {@code bytea} is hex without {@code \x} (wal2json)
	 * @return the Java value; {@code null} only for {@code numeric} {@code NaN} / infinities
	 * @throws WalDecodeException if the text is not a valid value of the type
	 */
	static @Nullable Object convert(PgType type, String text, boolean bareHexBytea) {
		try {
			if (type.array()) {
				Kind kind = type.kind();
				return PgArrays.parse(text, type.delimiter(), (element) -> scalar(kind, element, false));
			}
			return scalar(type.kind(), text, bareHexBytea);
		}
		catch (NumberFormatException | ArithmeticException ex) {
			throw new WalDecodeException("unreadable " + type.kind() + " value", ex);
		}
		catch (IllegalArgumentException ex) {
			// HexFormat and UUID parsing
			throw new WalDecodeException("unreadable " + type.kind() + " value", ex);
		}
	}

	private static @Nullable Object scalar(Kind kind, String text, boolean bareHexBytea) {
		return switch (kind) {
			case INT4 -> Integer.valueOf(text);
			case INT8 -> Long.valueOf(text);
			case NUMERIC -> numeric(text);
			case FLOAT4 -> Float.valueOf(floatText(text));
			case FLOAT8 -> Double.valueOf(floatText(text));
			case BOOL -> bool(text);
			case UUID -> uuid(text);
			case DATE -> PgTimes.date(text);
			case TIME -> PgTimes.time(text);
			case TIMETZ -> PgTimes.timetz(text);
			case TIMESTAMP -> PgTimes.timestamp(text);
			case TIMESTAMPTZ -> PgTimes.timestamptz(text);
			case BYTEA -> bytea(text, bareHexBytea);
			case TEXT, JSON, OTHER -> text;
		};
	}

	private static @Nullable BigDecimal numeric(String text) {
		if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")) {
			return null;
		}
		checkNumber(text);
		return new BigDecimal(text);
	}

	/** Java also accepts "0x1p3", "1d", "1f" and surrounding blanks; PostgreSQL never sends them. */
	private static String floatText(String text) {
		if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")) {
			return text;
		}
		checkNumber(text);
		return text;
	}

	private static void checkNumber(String text) {
		if (text.isEmpty()) {
			throw new NumberFormatException("empty");
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
				throw new NumberFormatException("not a number");
			}
		}
	}

	private static Boolean bool(String text) {
		return switch (text) {
			case "t", "true" -> Boolean.TRUE;
			case "f", "false" -> Boolean.FALSE;
			default -> throw new WalDecodeException("unreadable boolean value");
		};
	}

	private static UUID uuid(String text) {
		if (text.length() != 36 || text.charAt(8) != '-' || text.charAt(13) != '-' || text.charAt(18) != '-'
				|| text.charAt(23) != '-') {
			throw new WalDecodeException("unreadable uuid value");
		}
		return UUID.fromString(text);
	}

	private static byte[] bytea(String text, boolean bareHex) {
		if (text.startsWith("\\x")) {
			return HEX.parseHex(text, 2, text.length());
		}
		if (bareHex) {
			return HEX.parseHex(text);
		}
		return escapedBytea(text);
	}

	/** {@code bytea_output = escape}: {@code \\} is a backslash, {@code \ooo} an octal byte. */
	private static byte[] escapedBytea(String text) {
		byte[] out = new byte[text.length()];
		int n = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\') {
				if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
					out[n++] = '\\';
					i++;
				}
				else if (i + 3 < text.length() && octal(text.charAt(i + 1)) && octal(text.charAt(i + 2))
						&& octal(text.charAt(i + 3))) {
					out[n++] = (byte) Integer.parseInt(text, i + 1, i + 4, 8);
					i += 3;
				}
				else {
					throw new WalDecodeException("unreadable bytea value");
				}
			}
			else if (c > 0xFF) {
				throw new WalDecodeException("unreadable bytea value");
			}
			else {
				out[n++] = (byte) c;
			}
		}
		return java.util.Arrays.copyOf(out, n);
	}

	private static boolean octal(char c) {
		return c >= '0' && c <= '7';
	}

	/**
	 * Whether an integer's text is what {@code toString()} gives for its value (without computing it, which
	 * allocates on the hot path): no plus sign, no leading zero, no negative zero.
	 */
	private static boolean canonicalInteger(String text) {
		char first = text.charAt(0);
		if (first == '+') {
			return false;
		}
		int digits = (first == '-') ? 1 : 0;
		return text.charAt(digits) != '0' || text.length() == 1;
	}

	/**
	 * Whether {@link BigDecimal#toPlainString()} gives back the text, without computing it (which is quadratic in
	 * the number of digits): no exponent, no plus sign, no redundant leading zero, no negative zero.
	 */
	private static boolean plainNumeric(String text, BigDecimal value) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == 'e' || c == 'E' || c == '+') {
				return false;
			}
		}
		int digits = (text.charAt(0) == '-') ? 1 : 0;
		if (digits == 1 && value.signum() == 0) {
			return false;
		}
		return !(text.length() > digits + 1 && text.charAt(digits) == '0' && text.charAt(digits + 1) != '.');
	}

	/**
	 * Whether {@link dev.lode.core.RawText#of(Object)} gives back {@code text} for the value converted from it,
	 * so that the text need not be kept.
	 * @param type the column's type
	 * @param value the converted value
	 * @param text the text it came from
	 * @return whether the raw text can be derived from the value
	 */
	static boolean rawDerivable(PgType type, @Nullable Object value, String text) {
		if (value == null || type.array()) {
			return false;
		}
		return switch (type.kind()) {
			case TEXT, JSON, OTHER -> true;
			case INT4, INT8 -> canonicalInteger(text);
			case NUMERIC -> plainNumeric(text, (BigDecimal) value);
			case BOOL -> text.length() == 1;
			default -> false;
		};
	}

}
