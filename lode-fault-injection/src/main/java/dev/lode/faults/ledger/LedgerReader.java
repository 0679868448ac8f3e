package dev.lode.faults.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a ledger file incrementally while the consumer may still append to it: each {@link #poll()}
 * returns the complete lines written since the previous one. A trailing partial line (the consumer was
 * killed inside {@code write}) stays unread; after the consumer is gone it is not a record.
 */
public final class LedgerReader {

	private final Path file;

	private final List<LedgerRecord> records = new ArrayList<>();

	private long offset;

	private byte[] pending = new byte[0];

	/**
	 * @param file the ledger file; it need not exist yet
	 */
	public LedgerReader(Path file) {
		this.file = file;
	}

	/** @return the file */
	public Path file() {
		return this.file;
	}

	/**
	 * Reads what was appended since the last call.
	 * @return the new complete records
	 */
	public synchronized List<LedgerRecord> poll() {
		if (!Files.exists(this.file)) {
			return List.of();
		}
		byte[] fresh;
		try (FileChannel channel = FileChannel.open(this.file, StandardOpenOption.READ)) {
			long size = channel.size();
			if (size <= this.offset) {
				return List.of();
			}
			ByteBuffer buffer = ByteBuffer.allocate((int) (size - this.offset));
			while (buffer.hasRemaining()) {
				if (channel.read(buffer, this.offset + buffer.position()) < 0) {
					break;
				}
			}
			fresh = new byte[buffer.position()];
			buffer.flip();
			buffer.get(fresh);
			this.offset += fresh.length;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the ledger " + this.file, ex);
		}
		byte[] all = new byte[this.pending.length + fresh.length];
		System.arraycopy(this.pending, 0, all, 0, this.pending.length);
		System.arraycopy(fresh, 0, all, this.pending.length, fresh.length);
		List<LedgerRecord> added = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < all.length; i++) {
			if (all[i] == '\n') {
				String line = new String(all, start, i - start, StandardCharsets.UTF_8);
				if (!line.isEmpty()) {
					added.add(LedgerRecord.parse(line));
				}
				start = i + 1;
			}
		}
		this.pending = java.util.Arrays.copyOfRange(all, start, all.length);
		this.records.addAll(added);
		return added;
	}

	/** @return every complete record read so far, in file order */
	public synchronized List<LedgerRecord> records() {
		return List.copyOf(this.records);
	}

	/** @return the bytes of a trailing partial line (normally none) */
	public synchronized int partialBytes() {
		return this.pending.length;
	}

}
