package dev.lode.faults.driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inserts, updates (values, keys, TOASTed values) and deletes rows of {@code snap_rows} at random, one statement per
 * transaction, until stopped. With {@code reconnect}, a lost connection (a failover) is opened again and the writer
 * goes on (the outcome of the statement in flight does not matter: the copy is compared with the table as it is).
 */
final class RandomRowWriter implements Runnable {

	/** Opens a connection. */
	interface Connector {

		Connection open() throws SQLException;

	}

	private final Connector connector;

	private final long seed;

	private final int rows;

	private final boolean reconnect;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicLong writes = new AtomicLong();

	private final AtomicLong reconnects = new AtomicLong();

	private volatile Throwable failure;

	/**
	 * @param connector opens the writer's connection
	 * @param seed the seed of its choices
	 * @param rows the table's rows at the start: ids 1..rows
	 * @param reconnect whether to open the connection again after losing it
	 */
	RandomRowWriter(Connector connector, long seed, int rows, boolean reconnect) {
		this.connector = connector;
		this.seed = seed;
		this.rows = rows;
		this.reconnect = reconnect;
	}

	@Override
	public void run() {
		Random random = new Random(this.seed);
		List<Long> live = new ArrayList<>();
		for (long i = 1; i <= this.rows; i++) {
			live.add(i);
		}
		long next = this.rows + 1_000_000L;
		while (this.running.get()) {
			try (Connection c = this.connector.open(); Statement st = c.createStatement()) {
				while (this.running.get()) {
					int choice = random.nextInt(10);
					int index = random.nextInt(live.size());
					long id = live.get(index);
					if (choice < 2) {
						long fresh = next++;
						live.add(fresh);
						st.execute("insert into snap_rows values (" + fresh + ", 0, "
								+ (random.nextBoolean() ? SnapshotFaults.BIG : "null") + ")");
					}
					else if (choice < 6) {
						st.execute("update snap_rows set v = v + 1 where id = " + id);
					}
					else if (choice < 7) {
						long fresh = next++;
						live.set(index, fresh);
						st.execute("update snap_rows set id = " + fresh + ", v = v + 1 where id = " + id);
					}
					else if (choice < 8) {
						st.execute("update snap_rows set big = " + SnapshotFaults.BIG + ", v = v + 1 where id = " + id);
					}
					else {
						live.remove(index);
						st.execute("delete from snap_rows where id = " + id);
					}
					this.writes.incrementAndGet();
					Thread.sleep(2);
				}
			}
			catch (SQLException ex) {
				if (!this.reconnect) {
					this.failure = ex;
					return;
				}
				this.reconnects.incrementAndGet();
				sleep(200);
			}
			catch (Throwable ex) {
				this.failure = ex;
				return;
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void stop() {
		this.running.set(false);
	}

	long writes() {
		return this.writes.get();
	}

	long reconnects() {
		return this.reconnects.get();
	}

	/** Throws what made the writer stop before it was asked to, if anything did. */
	void rethrow() {
		if (this.failure != null) {
			throw new IllegalStateException("the writer failed: " + this.failure, this.failure);
		}
	}

}
