package dev.lode.spring.binding;

/**
 * Turns PostgreSQL's ISO {@code DateStyle} output ({@code 2024-01-02 03:04:05.123+05:30},
 * {@code 2024-01-02 03:04:05+00}) into ISO-8601 ({@code 2024-01-02T03:04:05.123+05:30},
 * {@code 2024-01-02T03:04:05+00:00}), which {@code java.time} parses. Other text is returned as is.
 *
 * @since 0.1.0
 */
final class PostgresTimestamps {

	private PostgresTimestamps() {
	}

	static String toIso(String text) {
		// yyyy-mm-dd hh:mm:ss...
		if (text.length() < 19 || text.charAt(10) != ' ' || text.charAt(4) != '-' || text.charAt(13) != ':') {
			return text;
		}
		StringBuilder iso = new StringBuilder(text.length() + 4).append(text, 0, 10).append('T').append(text, 11,
				text.length());
		int sign = Math.max(iso.lastIndexOf("+"), iso.lastIndexOf("-"));
		if (sign > 18 && iso.length() - sign == 3) {
			iso.append(":00"); // +05 -> +05:00
		}
		return iso.toString();
	}

}
