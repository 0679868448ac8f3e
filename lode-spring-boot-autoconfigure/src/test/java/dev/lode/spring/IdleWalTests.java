package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import java.time.Duration;

import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Configuration;

import static org.awaitility.Awaitility.await;

/**
 * An idle slot does not hold WAL back: lode acknowledges the server's position when nothing is in
 * flight, and optionally writes heartbeats.
 */
@WithPostgres
class IdleWalTests extends LodeTestApps {

	@Test
	void writesToAnotherDatabaseDoNotMakeTheSlotRetainWal() {
		start(Listener.class);
		await().atMost(Duration.ofSeconds(10)).until(this::slotActive);
		String otherDb = this.pg.createDatabase("idle_other");
		this.pg.execute(otherDb, "create table filler (id serial primary key, payload text)");
		Lsn before = currentWalLsn();
		for (int i = 0; i < 20; i++) {
			this.pg.execute(otherDb, "insert into filler (payload) select repeat('x', 1000) from generate_series(1, 2000)");
		}
		Lsn after = currentWalLsn();
		// ~40 MB of WAL were written elsewhere; the slot follows the server's position
		await().atMost(Duration.ofSeconds(30)).until(() -> confirmedFlushLsn().compareTo(after) >= 0);
		this.pg.execute(this.db, "checkpoint");
		await().atMost(Duration.ofSeconds(30)).until(() -> retainedWalBytes() < after.bytesSince(before) / 4);
	}

	@Test
	void heartbeatsAdvanceTheSlotWhenNothingElseHappens() {
		start(Listener.class, "lode.heartbeat.interval=300ms");
		await().atMost(Duration.ofSeconds(10)).until(this::slotActive);
		Lsn start = confirmedFlushLsn();
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().isAfter(start));
	}

	private Lsn currentWalLsn() {
		return Lsn.parse(this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text"));
	}

	private long retainedWalBytes() {
		return Long.parseLong(this.pg.queryForString(this.db, "select (pg_current_wal_lsn() - restart_lsn)::bigint::text"
				+ " from pg_replication_slots where slot_name = '" + this.slot + "'"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
		}

	}

}
