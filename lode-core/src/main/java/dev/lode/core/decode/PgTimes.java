package dev.lode.core.decode;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * Parses PostgreSQL's date and time output in {@code DateStyle ISO} (what pgjdbc asks for), by hand: years of
 * more than four digits, {@code BC}, offsets with seconds ({@code +00:19:32}, local mean time), {@code 24:00:00}
 * and {@code infinity}. Infinite values become the {@code MAX} / {@code MIN} constants of the Java type, as in
 * pgjdbc, except that {@code timestamptz}'s are in UTC like every other {@code timestamptz} value
 * ({@link #INFINITY}, {@link #MINUS_INFINITY}: {@link OffsetDateTime#MAX} / {@link OffsetDateTime#MIN} have the
 * offsets -18:00 / +18:00); {@code 24:00:00} becomes {@link LocalTime#MAX} (the raw text keeps {@code 24:00:00}). {@code timestamptz} and {@code timetz} keep the instant and
 * are normalised to UTC, so values do not depend on the session or JVM time zone (which pgjdbc sets to the
 * JVM's and the walsender renders in); the text with its original offset stays available as raw text.
 *
 * @since 0.1.0
 */
final class PgTimes {

	/** {@code timestamptz 'infinity'}: the latest date-time, in UTC. */
	static final OffsetDateTime INFINITY = OffsetDateTime.of(LocalDateTime.MAX, ZoneOffset.UTC);

	/** {@code timestamptz '-infinity'}: the earliest date-time, in UTC. */
	static final OffsetDateTime MINUS_INFINITY = OffsetDateTime.of(LocalDateTime.MIN, ZoneOffset.UTC);

	private PgTimes() {
	}

	static LocalDate date(String text) {
		if (text.equals("infinity")) {
			return LocalDate.MAX;
		}
		if (text.equals("-infinity")) {
			return LocalDate.MIN;
		}
		Cursor c = new Cursor(text);
		LocalDate date = c.date();
		c.era();
		c.end();
		return c.bc ? bc(date) : date;
	}

	static LocalTime time(String text) {
		Cursor c = new Cursor(text);
		LocalTime time = c.time();
		c.end();
		return time;
	}

	static OffsetTime timetz(String text) {
		Cursor c = new Cursor(text);
		LocalTime time = c.time();
		ZoneOffset offset = c.offset();
		c.end();
		return OffsetTime.of(time, offset).withOffsetSameInstant(ZoneOffset.UTC);
	}

	static LocalDateTime timestamp(String text) {
		if (text.equals("infinity")) {
			return LocalDateTime.MAX;
		}
		if (text.equals("-infinity")) {
			return LocalDateTime.MIN;
		}
		Cursor c = new Cursor(text);
		LocalDate date = c.date();
		c.expect(' ');
		LocalTime time = c.time();
		c.era();
		c.end();
		return LocalDateTime.of(c.bc ? bc(date) : date, time);
	}

	static OffsetDateTime timestamptz(String text) {
		if (text.equals("infinity")) {
			return INFINITY;
		}
		if (text.equals("-infinity")) {
			return MINUS_INFINITY;
		}
		Cursor c = new Cursor(text);
		LocalDate date = c.date();
		c.expect(' ');
		LocalTime time = c.time();
		ZoneOffset offset = c.offset();
		c.era();
		c.end();
		try {
			return OffsetDateTime.of(c.bc ? bc(date) : date, time, offset).withOffsetSameInstant(ZoneOffset.UTC);
		}
		catch (DateTimeException ex) {
			throw new WalDecodeException("timestamp out of range", ex);
		}
	}

	/** PostgreSQL year 1 BC is ISO year 0, 2 BC is -1. */
	private static LocalDate bc(LocalDate date) {
		return date.withYear(1 - date.getYear());
	}

	private static final class Cursor {

		private final String text;

		private int i;

		boolean bc;

		Cursor(String text) {
			this.text = text;
		}

		LocalDate date() {
			int year = number(1, 9);
			expect('-');
			int month = number(2, 2);
			expect('-');
			int day = number(2, 2);
			try {
				return LocalDate.of(year, month, day);
			}
			catch (DateTimeException ex) {
				throw new WalDecodeException("invalid date", ex);
			}
		}

		LocalTime time() {
			int hour = number(2, 2);
			expect(':');
			int minute = number(2, 2);
			expect(':');
			int second = number(2, 2);
			int nanos = 0;
			if (peek() == '.') {
				this.i++;
				int start = this.i;
				int digits = 0;
				while (this.i < this.text.length() && isDigit(this.text.charAt(this.i))) {
					if (digits < 9) {
						nanos = nanos * 10 + (this.text.charAt(this.i) - '0');
					}
					digits++;
					this.i++;
				}
				if (digits == 0) {
					throw new WalDecodeException("invalid time fraction");
				}
				for (int d = Math.min(digits, 9); d < 9; d++) {
					nanos *= 10;
				}
				if (this.i - start > 9) {
					throw new WalDecodeException("time fraction too long");
				}
			}
			if (hour == 24 && minute == 0 && second == 0 && nanos == 0) {
				return LocalTime.MAX;
			}
			try {
				return LocalTime.of(hour, minute, second, nanos);
			}
			catch (DateTimeException ex) {
				throw new WalDecodeException("invalid time", ex);
			}
		}

		ZoneOffset offset() {
			char sign = peek();
			if (sign != '+' && sign != '-') {
				throw new WalDecodeException("time zone offset expected");
			}
			this.i++;
			int hours = number(2, 2);
			int minutes = 0;
			int seconds = 0;
			if (peek() == ':') {
				this.i++;
				minutes = number(2, 2);
				if (peek() == ':') {
					this.i++;
					seconds = number(2, 2);
				}
			}
			int total = hours * 3600 + minutes * 60 + seconds;
			try {
				return ZoneOffset.ofTotalSeconds((sign == '-') ? -total : total);
			}
			catch (DateTimeException ex) {
				throw new WalDecodeException("invalid time zone offset", ex);
			}
		}

		void era() {
			if (this.text.startsWith(" BC", this.i)) {
				this.bc = true;
				this.i += 3;
			}
		}

		void expect(char ch) {
			if (peek() != ch) {
				throw new WalDecodeException("unreadable date/time value");
			}
			this.i++;
		}

		void end() {
			if (this.i != this.text.length()) {
				throw new WalDecodeException("unreadable date/time value (trailing text)");
			}
		}

		private char peek() {
			return (this.i < this.text.length()) ? this.text.charAt(this.i) : '\0';
		}

		private int number(int min, int max) {
			int start = this.i;
			int value = 0;
			while (this.i < this.text.length() && isDigit(this.text.charAt(this.i)) && this.i - start < max) {
				value = value * 10 + (this.text.charAt(this.i) - '0');
				this.i++;
			}
			if (this.i - start < min) {
				throw new WalDecodeException("unreadable date/time value");
			}
			return value;
		}

		private static boolean isDigit(char c) {
			return c >= '0' && c <= '9';
		}

	}

}
