package dev.lode.core.decode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.WatchedTable;
import dev.lode.core.replication.ChangeHandler;
import dev.lode.core.replication.ReplicationLoop;
import dev.lode.core.replication.ReplicationObserver;
import dev.lode.core.replication.ReplicationSettings;
import dev.lode.test.TestPostgres;

import static org.awaitility.Awaitility.await;

/**
 * Drives a {@link ReplicationLoop} on its own thread with a recording handler, for integration tests.
 */
final class LoopHarness implements AutoCloseable {

	final List<WalChange> changes = Collections.synchronizedList(new ArrayList<>());

	final List<TransactionInfo> commits = Collections.synchronizedList(new ArrayList<>());

	final AtomicInteger received = new AtomicInteger();

	final String slot;

	private final ReplicationLoop loop;

	private Thread thread;

	private volatile Throwable failure;

	LoopHarness(TestPostgres pg, String database, String slot, WalDecoder decoder, List<WatchedTable> tables) {
		this.slot = slot;
		ReplicationSettings settings = ReplicationSettings.of(pg.jdbcUrl(database), pg.username(), pg.password())
			.withSlotName(slot)
			.withTables(tables)
			.withStatusInterval(Duration.ofSeconds(1));
		ChangeHandler handler = new ChangeHandler() {

			@Override
			public void change(WalChange change) {
				LoopHarness.this.changes.add(change);
			}

			@Override
			public void commit(TransactionInfo transaction) {
				LoopHarness.this.commits.add(transaction);
			}

		};
		ReplicationObserver observer = new ReplicationObserver() {

			@Override
			public void received(Lsn lsn) {
				LoopHarness.this.received.incrementAndGet();
			}

		};
		this.loop = new ReplicationLoop(settings, decoder, handler, observer);
	}

	/**
	 * Creates the publication and slot and opens the stream, with the replication session in a time zone.
	 * @param zone the JVM default time zone while connecting (pgjdbc sends it as the session TimeZone)
	 * @return this
	 * @throws Exception on setup errors
	 */
	LoopHarness open(String zone) throws Exception {
		TimeZone before = TimeZone.getDefault();
		TimeZone.setDefault(TimeZone.getTimeZone(zone));
		try {
			this.loop.open(true);
		}
		finally {
			TimeZone.setDefault(before);
		}
		return this;
	}

	LoopHarness start() {
		this.thread = new Thread(() -> {
			try {
				this.loop.run();
			}
			catch (Throwable t) {
				this.failure = t;
			}
		}, "lode-test-" + this.slot);
		this.thread.start();
		return this;
	}

	void awaitChange(Predicate<WalChange> condition) {
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
			if (this.failure != null) {
				throw new AssertionError("The loop of " + this.slot + " failed", this.failure);
			}
			synchronized (this.changes) {
				return this.changes.stream().anyMatch(condition);
			}
		});
	}

	List<WalChange> changes() {
		synchronized (this.changes) {
			return List.copyOf(this.changes);
		}
	}

	@Override
	public void close() throws Exception {
		this.loop.stop(TimeUnit.SECONDS.toNanos(5));
		if (this.thread != null) {
			this.thread.join(TimeUnit.SECONDS.toMillis(30));
		}
		else {
			this.loop.abort();
		}
		if (this.failure != null) {
			throw new AssertionError("The loop of " + this.slot + " failed", this.failure);
		}
	}

}
