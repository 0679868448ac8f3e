package dev.lode.spring.boot.autoconfigure.health;

import java.util.regex.Pattern;

/**
 * Removes anything that looks like a password from text shown outside the application.
 *
 * @since 0.1.0
 */
public final class Secrets {

	private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password\\s*[=:]\\s*)[^&;,\\s]+");

	private static final Pattern URL_USER_INFO = Pattern.compile("//([^/@:\\s]+):[^/@\\s]*@");

	private Secrets() {
	}

	/**
	 * @param text text to show outside the application
	 * @return the text with passwords replaced by {@code ******}
	 */
	public static String redact(String text) {
		String result = PASSWORD_PARAMETER.matcher(text).replaceAll("$1******");
		return URL_USER_INFO.matcher(result).replaceAll("//$1:******@");
	}

}
