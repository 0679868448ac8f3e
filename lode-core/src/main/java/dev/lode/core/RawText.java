package dev.lode.core;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * The rule by which {@link WalChange#raw(String)} derives a value's raw text from its Java value when the decoder
 * did not keep the text: a {@link String} is its own text, integers and {@link BigDecimal}s are printed as
 * PostgreSQL prints them, booleans as {@code t} / {@code f}. For every other value the decoder keeps the text it
 * received, so that memory is spent on raw text only where it cannot be derived.
 *
 * @since 0.1.0
 */
public final class RawText {

	private RawText() {
	}

	/**
	 * @param value a column value
	 * @return its text by the rule above, or {@code null} for {@code null} and values of other types
	 */
	public static @Nullable String of(@Nullable Object value) {
		if (value instanceof String text) {
			return text;
		}
		if (value instanceof Integer || value instanceof Long || value instanceof Short) {
			return value.toString();
		}
		if (value instanceof BigDecimal decimal) {
			return decimal.toPlainString();
		}
		if (value instanceof Boolean bool) {
			return bool ? "t" : "f";
		}
		return null;
	}

}
