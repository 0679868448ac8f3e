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
 * beyond its own last write (so an idle stream does not write again and again for its own writes), and only after
 * the stream has passed the write (so a standby that the primary waits for, {@code synchronized_standby_slots}, holds
 * the row before the slot it synchronises can confirm past the old limit). While positions wait for the limit, the record's connection is checked
 * once a second (an empty query): a server that shuts down ends lode's other sessions first, then waits for lode to
 * confirm everything it sent, including lode's own last write, which no write can vouch for; lode then lets the
 * stream go and reconnects. Used on the replication thread; {@link #confirmable} on any.
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

	private long lastProbe;

	/** How often the record's connection is checked while positions wait for a write that is not due yet. */
	private static final long PROBE_NANOS = 1_000_000_000L;

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
	 * @throws SQLException when the server goes away (it shuts down: it waits for lode to confirm what it sent, which
	 * lode cannot vouch for any more, so lode lets go of the stream and reconnects)
	 */
	boolean update(Lsn acknowledged, Lsn received) throws SQLException {
		boolean rose = false;
		StreamRecordStore.Advanced written = this.pending;
		if (written != null && !written.writtenBy().isAfter(received)) {
			this.limit = this.limit.max(written.limit());
			this.pending = null;
			rose = true;
		}
		if (acknowledged.isAfter(this.limit)) {
			long now = System.nanoTime();
			if (this.pending == null && acknowledged.isAfter(this.writtenBy)
					&& now - this.lastWrite >= this.intervalNanos) {
				this.pending = write(acknowledged);
			}
			else if (now - this.lastProbe >= PROBE_NANOS) {
				// also while an earlier write waits for the stream to pass it (a shutting down server sends no more)
				// a server that shuts down ends lode's sessions first and then waits for lode to confirm all it sent,
				// lode's own last write included, which no write of the record can vouch for
				this.lastProbe = now;
				if (!this.connection.get().isValid(2)) {
					this.connection.close();
					StreamRecordStore.Advanced rewritten = write(acknowledged); // throws when the server is gone
					this.pending = (rewritten != null) ? rewritten : this.pending;
				}
			}
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
			try {
				StreamRecordStore.Advanced written = write(acknowledged);
				if (written != null) {
					this.limit = this.limit.max(written.limit());
				}
			}
			catch (SQLException | RuntimeException ex) {
				logger.info("lode could not write its record as it stopped ({}); it confirmed {}", ex.getMessage(),
						this.limit);
			}
		}
	}

	private StreamRecordStore.@Nullable Advanced write(Lsn acknowledged) throws SQLException {
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
			logger.debug("Recorded {} as acknowledged; positions up to {} may be confirmed", acknowledged,
					written.limit());
			return written;
		}
		catch (SQLException ex) {
			this.connection.close();
			if (serverGone(ex)) {
				throw ex;
			}
			logger.warn("Could not write lode's record of its stream ({}); lode confirms nothing beyond {} to"
					+ " PostgreSQL until it can", PgConnector.firstLine(ex), this.limit);
			return null;
		}
		catch (ReplicationSetupException ex) {
			this.connection.close();
			if (ex.isRetryable()) {
				// cannot connect: the server shuts down or is gone
				throw new SQLException(ex.getMessage(), "08001", ex);
			}
			throw ex;
		}
	}

	/** Connection lost or refused, the server shutting down or in recovery: the stream cannot go on either. */
	private static boolean serverGone(SQLException ex) {
		String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
		return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
				|| state.equals("25006");
	}

	/** @return the furthest position lode may confirm now */
	Lsn limit() {
		return this.limit;
	}

	void close() {
		this.connection.close();
	}

}
