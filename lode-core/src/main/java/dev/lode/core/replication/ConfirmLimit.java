package dev.lode.core.replication;

import java.sql.SQLException;
import java.time.Duration;

import dev.lode.core.Lsn;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The furthest position lode may confirm to the slot, raised by writing lode's record of the stream
 * ({@link StreamRecordStore}): at most once per status interval, when lode acknowledged a position beyond it and
 * beyond its own last write (so an idle stream does not write again and again for its own writes), and only after the stream has passed the write (so a
 * standby that the primary waits for, {@code synchronized_standby_slots}, holds the row before the slot it
 * synchronises can confirm past the old limit). Used on the replication thread; {@link #confirmable} on any.
 *
 * @since 0.3.0
 */
final class ConfirmLimit {

	private static final Logger logger = LoggerFactory.getLogger(ConfirmLimit.class);

	private final StreamRecordStore store;

	private final ReusedConnection connection;

	private final int walsenderPid;

	private final long intervalNanos;

	private volatile Lsn limit;

	private StreamRecordStore.@Nullable Advanced pending;

	private long lastWrite;

	private Lsn writtenBy = Lsn.INVALID;

	private long writes;

	ConfirmLimit(StreamRecordStore store, PgConnector connector, int walsenderPid, Duration interval, Lsn limit) {
		this.store = store;
		this.connection = new ReusedConnection(connector, "record");
		this.walsenderPid = walsenderPid;
		this.intervalNanos = interval.toNanos();
		this.limit = limit;
		this.lastWrite = System.nanoTime() - this.intervalNanos;
	}

	/**
	 * @param acknowledged a position whose work completed
	 * @return what of it may be confirmed to the server now
	 */
	Lsn confirmable(Lsn acknowledged) {
		Lsn current = this.limit;
		return acknowledged.isAfter(current) ? current : acknowledged;
	}

	/**
	 * Writes the record when it is due, and raises the limit once the stream passed an earlier write.
	 * @param acknowledged what lode acknowledged
	 * @param received the last position the stream received (messages and keepalives)
	 * @return whether the limit rose
	 */
	boolean update(Lsn acknowledged, Lsn received) {
		boolean rose = false;
		StreamRecordStore.Advanced written = this.pending;
		if (written != null && !written.writtenBy().isAfter(received)) {
			this.limit = this.limit.max(written.limit());
			this.pending = null;
			rose = true;
		}
		if (this.pending == null && acknowledged.isAfter(this.limit)
				&& System.nanoTime() - this.lastWrite >= this.intervalNanos
				&& acknowledged.isAfter(this.writtenBy)) {
			this.pending = write(acknowledged);
		}
		return rose;
	}

	/**
	 * Writes the record and raises the limit at once, as lode stops (it reads no further, so it cannot wait for the
	 * stream to pass the write).
	 * @param acknowledged what lode acknowledged
	 */
	void writeNow(Lsn acknowledged) {
		if (acknowledged.isAfter(this.limit)) {
			StreamRecordStore.Advanced written = write(acknowledged);
			if (written != null) {
				this.limit = this.limit.max(written.limit());
			}
		}
	}

	private StreamRecordStore.@Nullable Advanced write(Lsn acknowledged) {
		this.lastWrite = System.nanoTime();
		try {
			StreamRecordStore.Advanced written = this.store.advance(this.connection.get(), this.walsenderPid,
					acknowledged);
			if (written == null) {
				logger.debug("lode's walsender {} no longer holds the slot; the record was not written",
						this.walsenderPid);
				return null;
			}
			this.writtenBy = written.writtenBy();
			this.writes++;
			logger.debug("Recorded {} as acknowledged; positions up to {} may be confirmed", acknowledged,
					written.limit());
			return written;
		}
		catch (SQLException ex) {
			logger.warn("Could not write lode's record of its stream ({}); lode confirms nothing beyond {} to"
					+ " PostgreSQL until it can", PgConnector.firstLine(ex), this.limit);
			this.connection.close();
			return null;
		}
	}

	/** @return the current limit */
	Lsn limit() {
		return this.limit;
	}

	/** @return how many times the record was written */
	long writes() {
		return this.writes;
	}

	void close() {
		this.connection.close();
	}

}
