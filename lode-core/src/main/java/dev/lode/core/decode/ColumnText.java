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

}
