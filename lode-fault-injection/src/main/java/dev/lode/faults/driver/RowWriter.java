package dev.lode.faults.driver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.lode.test.TestPostgres;

/**
 * Commits the known sequence of rows {@code 1, 2, 3, ...} into {@code fault_events}, one connection, one
 * transaction of 1 to 20 consecutive ids at a time, at a steady pace. Commit order is therefore id order,
 * and the committed ids are exactly {@code 1..committedRows()}.
 *
 * <p>When the connection breaks (server restart) the outcome of the transaction in flight is unknown: the
 * writer reconnects and looks. If the rows are there it moves on, otherwise it commits the same ids again,
 * so the sequence stays without holes.
 */
final class RowWriter implements Runnable {

	private static final long RECONNECT_DEADLINE_NANOS = TimeUnit.MINUTES.toNanos(2);

	private final TestPostgres pg;

	private final String database;

	private final Random random;

	private final int rowsPerSecond;

	private final AtomicLong committed = new AtomicLong();

	private final AtomicInteger transactions = new AtomicInteger();

	private final AtomicInteger connectionLosses = new AtomicInteger();

	private final AtomicInteger uncertainCommits = new AtomicInteger();

	private volatile long stopAfterRows = Long.MAX_VALUE;

	private volatile boolean stopRequested;

	private volatile String endLsn;

	private volatile Throwable failure;

	private Connection connection;

	RowWriter(TestPostgres pg, String database, long seed, int rowsPerSecond) {
		this.pg = pg;
		this.database = database;
		this.random = new Random(seed);
		this.rowsPerSecond = rowsPerSecond;
	}

	/** Stops once at least {@code minRows} rows are committed. */
	void stopAfter(long minRows) {
		this.stopAfterRows = minRows;
		this.stopRequested = true;
	}

	long committedRows() {
		return this.committed.get();
	}

	int transactions() {
		return this.transactions.get();
	}

	int connectionLosses() {
		return this.connectionLosses.get();
	}

	int uncertainCommits() {
		return this.uncertainCommits.get();
	}

	/** @return {@code pg_current_wal_lsn()} after the last commit, once the writer finished */
	String endLsn() {
		return this.endLsn;
	}

	Throwable failure() {
		return this.failure;
	}

	@Override
	public void run() {
		try {
			long started = System.nanoTime();
			long next = 1;
			while (!(this.stopRequested && this.committed.get() >= this.stopAfterRows)) {
				int size = 1 + this.random.nextInt(20);
				commit(next, next + size - 1);
				next += size;
				this.committed.set(next - 1);
				this.transactions.incrementAndGet();
				long due = started + (next - 1) * TimeUnit.SECONDS.toNanos(1) / this.rowsPerSecond;
				long wait = due - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
			}
			this.endLsn = query("select pg_current_wal_lsn()::text");
		}
		catch (Throwable ex) {
			this.failure = ex;
		}
		finally {
			close();
		}
	}

	private void commit(long first, long last) throws SQLException {
		for (int attempt = 1;; attempt++) {
			try {
				// one statement, one transaction: the rows, and an update of the previous transaction's last row (a
				// later change of an earlier transaction's row: the audit checks each row's order)
				try (PreparedStatement insert = connection().prepareStatement("with rows as (insert into fault_events"
						+ " (id, note) select g, 'row ' || g from generate_series(?::bigint, ?::bigint) g returning id)"
						+ " update fault_events set note = 'updated' where id = ? and (select count(*) from rows) > 0")) {
					insert.setLong(1, first);
					insert.setLong(2, last);
					insert.setLong(3, first - 1);
					insert.executeUpdate();
				}
				return;
			}
			catch (SQLException ex) {
				close();
				this.connectionLosses.incrementAndGet();
				// did the commit happen before the connection broke?
				long present = Long.parseLong(query(
						"select count(*) from fault_events where id between " + first + " and " + last));
				if (present == last - first + 1) {
					this.uncertainCommits.incrementAndGet();
					return;
				}
				if (present != 0) {
					throw new IllegalStateException("Rows " + first + ".." + last + " are partly committed (" + present
							+ "): a transaction is not atomic?!", ex);
				}
				if (attempt >= 50) {
					throw new IllegalStateException("Cannot commit rows " + first + ".." + last + " after " + attempt
							+ " attempts", ex);
				}
				// not committed: commit the same ids again
			}
		}
	}

	private String query(String sql) throws SQLException {
		long deadline = System.nanoTime() + RECONNECT_DEADLINE_NANOS;
		while (true) {
			try (Statement statement = connection().createStatement(); ResultSet rs = statement.executeQuery(sql)) {
				rs.next();
				return rs.getString(1);
			}
			catch (SQLException ex) {
				close();
				this.connectionLosses.incrementAndGet();
				if (System.nanoTime() - deadline > 0) {
					throw ex;
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
			}
		}
	}

	/** A connection, reconnecting (for up to two minutes) while the server restarts. */
	private Connection connection() throws SQLException {
		if (this.connection != null) {
			return this.connection;
		}
		long deadline = System.nanoTime() + RECONNECT_DEADLINE_NANOS;
		while (true) {
			try {
				this.connection = this.pg.connect(this.database);
				return this.connection;
			}
			catch (SQLException ex) {
				if (System.nanoTime() - deadline > 0) {
					throw ex;
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
			}
		}
	}

	private void close() {
		if (this.connection != null) {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				// broken anyway
			}
			this.connection = null;
		}
	}

}
