package dev.lode.core.decode;

/**
 * PostgreSQL identifiers in SQL text.
 *
 * @since 0.1.0
 */
public final class PgIdentifiers {

	private PgIdentifiers() {
	}

	/**
	 * @param identifier a name as PostgreSQL stores it (case-sensitive)
	 * @return the name in double quotes, inner quotes doubled
	 */
	public static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

}
