package dev.lode.core.decode;

import org.jspecify.annotations.Nullable;

/**
 * Converts a column value's text, as PostgreSQL's output function renders it, to the Java value the decoders
 * give for the same type: rows read with SQL (snapshots) then carry the same values as decoded changes.
 *
 * @since 0.2.0
 */
public final class ColumnText {

	private ColumnText() {
	}

	/**
	 * @param typeName the column's type as {@code format_type} names it (a modifier is ignored; arrays end
	 * with {@code []})
	 * @param text the value's text, or {@code null} for SQL NULL
	 * @return the value, as {@link dev.lode.core.WalChange} documents the types
	 */
	public static @Nullable Object value(String typeName, @Nullable String text) {
		if (text == null) {
			return null;
		}
		return PgValues.convert(PgTypes.byName(typeName), text, false);
	}

	/**
	 * @param typeName the column's type as {@code format_type} names it
	 * @return the conversion of that type's texts, resolved once (for many values of one column)
	 * @since 0.3.0
	 */
	public static Converter converter(String typeName) {
		PgType type = PgTypes.byName(typeName);
		return (text) -> (text != null) ? PgValues.convert(type, text, false) : null;
	}

	/**
	 * Converts the texts of one type's values, as {@link #value(String, String)} does.
	 *
	 * @since 0.3.0
	 */
	@FunctionalInterface
	public interface Converter {

		/**
		 * @param text the value's text, or {@code null} for SQL NULL
		 * @return the value
		 */
		@Nullable Object value(@Nullable String text);

	}

}
