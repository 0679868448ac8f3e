package dev.lode.core.decode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Parses PostgreSQL's array output ({@code {1,2,NULL}}, {@code {"a b","c,d",NULL,"\""}}, {@code {{1,2},{3,4}}},
 * {@code [0:1]={1,2}}) into unmodifiable {@link List}s, nested for multi-dimensional arrays, with elements
 * converted by a function. Dimension bounds are dropped. An unquoted {@code NULL} is a null element; a quoted
 * one is the text.
 *
 * @since 0.1.0
 */
final class PgArrays {

	/** PostgreSQL allows 6 dimensions; anything deeper is not an array literal. */
	private static final int MAX_DEPTH = 6;

	private final String text;

	private final char delimiter;

	private final Function<String, @Nullable Object> element;

	private int i;

	private PgArrays(String text, char delimiter, Function<String, @Nullable Object> element) {
		this.text = text;
		this.delimiter = delimiter;
		this.element = element;
	}

	/**
	 * @param text the array's text output
	 * @param delimiter the element type's delimiter ({@code ,} for all but {@code box})
	 * @param element converts one element's text
	 * @return the elements
	 */
	static List<@Nullable Object> parse(String text, char delimiter, Function<String, @Nullable Object> element) {
		PgArrays parser = new PgArrays(text, delimiter, element);
		parser.skipDimensions();
		List<@Nullable Object> list = parser.array(1);
		if (parser.i != text.length()) {
			throw new WalDecodeException("array literal: trailing text");
		}
		return list;
	}

	private void skipDimensions() {
		if (peek() == '[') {
			int equals = this.text.indexOf('=');
			if (equals < 0) {
				throw new WalDecodeException("array literal: dimensions without '='");
			}
			this.i = equals + 1;
		}
	}

	private List<@Nullable Object> array(int depth) {
		if (depth > MAX_DEPTH) {
			throw new WalDecodeException("array literal: too many dimensions");
		}
		expect('{');
		List<@Nullable Object> list = new ArrayList<>();
		if (peek() == '}') {
			this.i++;
			return Collections.emptyList();
		}
		while (true) {
			char c = peek();
			if (c == '{') {
				list.add(array(depth + 1));
			}
			else if (c == '"') {
				list.add(this.element.apply(quoted()));
			}
			else {
				String item = unquoted();
				list.add(item.equalsIgnoreCase("NULL") ? null : this.element.apply(item));
			}
			char next = peek();
			this.i++;
			if (next == '}') {
				return Collections.unmodifiableList(list);
			}
			if (next != this.delimiter) {
				throw new WalDecodeException("array literal: delimiter or '}' expected");
			}
		}
	}

	private String quoted() {
		this.i++;
		StringBuilder sb = new StringBuilder();
		while (true) {
			if (this.i >= this.text.length()) {
				throw new WalDecodeException("array literal: unterminated quoted element");
			}
			char c = this.text.charAt(this.i++);
			if (c == '"') {
				return sb.toString();
			}
			if (c == '\\') {
				if (this.i >= this.text.length()) {
					throw new WalDecodeException("array literal: dangling backslash");
				}
				c = this.text.charAt(this.i++);
			}
			sb.append(c);
		}
	}

	private String unquoted() {
		int start = this.i;
		StringBuilder sb = null;
		while (this.i < this.text.length()) {
			char c = this.text.charAt(this.i);
			if (c == this.delimiter || c == '}' || c == '{' || c == '"') {
				break;
			}
			if (c == '\\') {
				if (sb == null) {
					sb = new StringBuilder().append(this.text, start, this.i);
				}
				if (this.i + 1 >= this.text.length()) {
					throw new WalDecodeException("array literal: dangling backslash");
				}
				sb.append(this.text.charAt(this.i + 1));
				this.i += 2;
				continue;
			}
			if (sb != null) {
				sb.append(c);
			}
			this.i++;
		}
		if (this.i == start) {
			throw new WalDecodeException("array literal: empty element");
		}
		return (sb != null) ? sb.toString() : this.text.substring(start, this.i);
	}

	private void expect(char c) {
		if (peek() != c) {
			throw new WalDecodeException("array literal: '" + c + "' expected");
		}
		this.i++;
	}

	private char peek() {
		return (this.i < this.text.length()) ? this.text.charAt(this.i) : '\0';
	}

}
