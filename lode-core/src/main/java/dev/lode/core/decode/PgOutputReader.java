package dev.lode.core.decode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the big-endian fields of a pgoutput message. Every read past the end, and every string without its
 * terminating NUL, is a {@link WalDecodeException}.
 *
 * @since 0.1.0
 */
final class PgOutputReader {

	private final ByteBuffer buffer;

	PgOutputReader(ByteBuffer payload) {
		this.buffer = payload.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
	}

	private void need(int bytes) {
		if (this.buffer.remaining() < bytes) {
			throw new WalDecodeException("pgoutput: message ends early");
		}
	}

	byte int8() {
		need(1);
		return this.buffer.get();
	}

	short int16() {
		need(2);
		return this.buffer.getShort();
	}

	int int32() {
		need(4);
		return this.buffer.getInt();
	}

	long int64() {
		need(8);
		return this.buffer.getLong();
	}

	/** @return a NUL-terminated UTF-8 string */
	String string() {
		int start = this.buffer.position();
		int limit = this.buffer.limit();
		for (int i = start; i < limit; i++) {
			if (this.buffer.get(i) == 0) {
				String s = text(start, i - start);
				this.buffer.position(i + 1);
				return s;
			}
		}
		throw new WalDecodeException("pgoutput: unterminated string");
	}

	/**
	 * @param length the number of bytes, checked against what is left
	 * @return the bytes as UTF-8 text
	 */
	String text(int length) {
		if (length < 0) {
			throw new WalDecodeException("pgoutput: negative length");
		}
		need(length);
		int start = this.buffer.position();
		String s = text(start, length);
		this.buffer.position(start + length);
		return s;
	}

	private String text(int start, int length) {
		if (this.buffer.hasArray()) {
			return new String(this.buffer.array(), this.buffer.arrayOffset() + start, length, StandardCharsets.UTF_8);
		}
		byte[] bytes = new byte[length];
		this.buffer.get(start, bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/** @param length the number of bytes to skip, checked against what is left */
	void skip(int length) {
		if (length < 0) {
			throw new WalDecodeException("pgoutput: negative length");
		}
		need(length);
		this.buffer.position(this.buffer.position() + length);
	}

	void end() {
		if (this.buffer.hasRemaining()) {
			throw new WalDecodeException("pgoutput: " + this.buffer.remaining() + " unexpected trailing bytes");
		}
	}

}
