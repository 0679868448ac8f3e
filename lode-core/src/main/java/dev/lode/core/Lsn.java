package dev.lode.core;

import java.util.Locale;

/**
 * A PostgreSQL log sequence number (a position in the write-ahead log), such as {@code 16/B374D848}.
 *
 * <p>LSNs compare as unsigned 64-bit numbers, never as strings.
 *
 * @param value the raw 64-bit position
 * @since 0.1.0
 */
public record Lsn(long value) implements Comparable<Lsn> {

	/** The invalid LSN {@code 0/0}; as a start position it means "the slot's confirmed position". */
	public static final Lsn INVALID = new Lsn(0);

	/**
	 * Parses the text form {@code X/Y} (two hexadecimal numbers).
	 * @param text the LSN as PostgreSQL prints it
	 * @return the LSN
	 * @throws IllegalArgumentException if the text is not an LSN
	 */
	public static Lsn parse(String text) {
		int slash = text.indexOf('/');
		if (slash <= 0 || slash == text.length() - 1) {
			throw new IllegalArgumentException("Not an LSN: '" + text + "'");
		}
		// Long.parseLong alone would also take a sign ("+1/-0") and non-ASCII digits
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (i != slash && !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))) {
				throw new IllegalArgumentException("Not an LSN: '" + text + "'");
			}
		}
		try {
			long high = Long.parseLong(text, 0, slash, 16);
			long low = Long.parseLong(text, slash + 1, text.length(), 16);
			if (high < 0 || high > 0xFFFFFFFFL || low < 0 || low > 0xFFFFFFFFL) {
				throw new IllegalArgumentException("Not an LSN: '" + text + "'");
			}
			return new Lsn((high << 32) | low);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Not an LSN: '" + text + "'", ex);
		}
	}

	/**
	 * Returns the LSN for a raw value.
	 * @param value the raw 64-bit position
	 * @return the LSN
	 */
	public static Lsn of(long value) {
		return (value == 0) ? INVALID : new Lsn(value);
	}

	/** @return whether this is {@code 0/0} */
	public boolean isInvalid() {
		return this.value == 0;
	}

	/**
	 * @param other another LSN
	 * @return whether this LSN is strictly after {@code other}
	 */
	public boolean isAfter(Lsn other) {
		return compareTo(other) > 0;
	}

	/**
	 * @param other another LSN, may be {@code null}
	 * @return the later of the two
	 */
	public Lsn max(Lsn other) {
		return (other == null || compareTo(other) >= 0) ? this : other;
	}

	/**
	 * @param other an earlier LSN
	 * @return the number of WAL bytes between {@code other} and this LSN
	 */
	public long bytesSince(Lsn other) {
		return this.value - other.value;
	}

	@Override
	public int compareTo(Lsn other) {
		return Long.compareUnsigned(this.value, other.value);
	}

	@Override
	public String toString() {
		// PostgreSQL's %X/%X, without Formatter: a relay writes two LSNs per change
		return upperHex(this.value >>> 32) + "/" + upperHex(this.value & 0xFFFFFFFFL);
	}

	private static String upperHex(long half) {
		return Long.toHexString(half).toUpperCase(Locale.ROOT);
	}

}
