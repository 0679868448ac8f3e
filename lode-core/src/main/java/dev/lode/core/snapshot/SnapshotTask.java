package dev.lode.core.snapshot;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One table of a snapshot being read: where the next chunk starts and where the table ends. Changed on the
 * replication thread only; {@link #rows()} is read by others (progress, health).
 *
 * @since 0.2.0
 */
final class SnapshotTask {

	private final String id;

	private final SnapshotTable table;

	private final @Nullable List<String> maxKey;

	private @Nullable List<String> lastKey;

	private volatile long rows;

	private int chunks;

	private final long startedNanos = System.nanoTime();

	private final long rowsAtStart;

	private long lastLogNanos = System.nanoTime();

	/** Whether chunks read beyond {@link #lastKey} are alive (buffered or delivered, not completed). */
	private boolean reading;

	private @Nullable List<String> readAfter;

	private boolean readEnded;

	SnapshotTask(String id, SnapshotTable table, @Nullable List<String> lastKey, @Nullable List<String> maxKey,
			long rows) {
		this.id = id;
		this.table = table;
		this.lastKey = lastKey;
		this.maxKey = maxKey;
		this.rows = rows;
		this.rowsAtStart = rows;
	}

	String id() {
		return this.id;
	}

	SnapshotTable table() {
		return this.table;
	}

	/** @return the key texts after which the next chunk starts; {@code null} before the first chunk */
	@Nullable List<String> lastKey() {
		return this.lastKey;
	}

	/** @return the key texts the table's snapshot ends at; {@code null} for a table that was empty */
	@Nullable List<String> maxKey() {
		return this.maxKey;
	}

	long rows() {
		return this.rows;
	}

	int chunks() {
		return this.chunks;
	}

	/** A chunk's rows were delivered and their transaction completed. */
	void chunkDone(@Nullable List<String> chunkLastKey, int delivered) {
		if (chunkLastKey != null) {
			this.lastKey = chunkLastKey;
		}
		this.rows += delivered;
		this.chunks++;
	}

	/**
	 * Chunks of several key ranges completed: the table's progress is the end of those that follow each other from
	 * its first key.
	 */
	void progressTo(@Nullable List<String> prefix, int delivered) {
		if (prefix != null) {
			this.lastKey = prefix;
		}
		this.rows += delivered;
		this.chunks++;
	}

	/** @return the key after which the next chunk is read: after the last chunk read and alive, else lastKey */
	@Nullable List<String> nextReadAfter() {
		return this.reading ? this.readAfter : this.lastKey;
	}

	/** @return whether the table's last chunk was read and is alive: nothing more to read */
	boolean readEnded() {
		return this.readEnded;
	}

	/** A chunk was read and is buffered now. */
	void chunkRead(@Nullable List<String> chunkLastKey, boolean last) {
		if (chunkLastKey != null) {
			this.readAfter = chunkLastKey;
		}
		else if (!this.reading) {
			this.readAfter = this.lastKey;
		}
		this.reading = true;
		this.readEnded = last;
	}

	/** The chunks read beyond {@link #lastKey} were dropped: the next read starts after lastKey again. */
	void readsDiscarded() {
		this.reading = false;
		this.readAfter = null;
		this.readEnded = false;
	}

	/** @return rows per second since this process started on the table */
	double rate() {
		double seconds = Math.max(1e-3, (System.nanoTime() - this.startedNanos) / 1e9);
		return (this.rows - this.rowsAtStart) / seconds;
	}

	/** @return whether a progress line is due (every 10 seconds) */
	boolean logDue() {
		long now = System.nanoTime();
		if (now - this.lastLogNanos > 10_000_000_000L) {
			this.lastLogNanos = now;
			return true;
		}
		return false;
	}

	SnapshotProgress progress() {
		return new SnapshotProgress(this.id, this.table.qualifiedName(), this.rows, this.table.estimatedRows(),
				rate());
	}

}
