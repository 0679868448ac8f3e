package dev.lode.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.lode.faults.driver.FaultDriver;
import dev.lode.faults.driver.FaultPlan;
import dev.lode.faults.driver.FaultPlan.Fault;
import dev.lode.faults.driver.FaultReport;
import dev.lode.faults.driver.FailoverFaults;
import dev.lode.faults.driver.SnapshotFaults;
import dev.lode.test.ReplicatedClusters;
import dev.lode.test.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof of lode's promise (issue #3): every committed change on a watched table reaches the listeners at
 * least once, in commit order, whatever fails; duplicates only for work not yet acknowledged.
 *
 * <p>{@code -Dlode.faults=short} (the default, CI) injects 5 kills, 5 walsender terminations and 2 server
 * restarts; {@code -Dlode.faults=full} 50, 50 and 10. {@code -Dlode.faults.seed=<n>} replays a schedule.
 * See docs/fault-injection.md.
 */
class FaultInjectionTest {

	@Test
	void everyCommittedRowReachesTheListenersWhateverFails() throws Exception {
		// a reconnect in the same process resumes after what it acknowledged: only the transaction in flight
		// (at most 20 rows) comes again, after a walsender termination and after a server restart alike
		assertPromiseHeld(List.of(), 20);
	}

	@Test
	void everyCommittedRowReachesTheListenersOnEightLanesWhateverFails() throws Exception {
		// a reconnect redelivers what was in flight: at most lode.listener.max-in-flight (1000) changes
		assertPromiseHeld(List.of("--lode.listener.concurrency=8"), 1000);
	}

	@Test
	void everyCommittedRowReachesAnAsynchronousListenerWhateverFails() throws Exception {
		assertPromiseHeld(List.of("--fault.async=true"), 1000);
	}

	@Test
	void everyCommittedRowOfEitherOfTwoSourcesReachesItsListenersWhateverFails() throws Exception {
		// two databases, two slots, one consumer with the sources default and second: kills and restarts hit both,
		// each walsender termination terminates both walsenders; each source's ledgers are audited on their own
		FaultPlan plan = FaultPlan.named(System.getProperty("lode.faults", "short"), seed());
		FaultReport report = new FaultDriver(TestPostgres.get(), plan, directory(), System.out, List.of())
			.withSecondSource()
			.run();
		assertThat(report.lost("default")).as("lost rows of the default source\n%s", report).isZero();
		assertThat(report.lost("second")).as("lost rows of the second source\n%s", report).isZero();
		assertThat(report.problems()).as("problems\n%s", report).isEmpty();
		assertThat(report.injected(Fault.KILL_CONSUMER)).isEqualTo(plan.kills());
		assertThat(report.injected(Fault.TERMINATE_WALSENDER)).isEqualTo(plan.terminations());
		assertThat(report.injected(Fault.RESTART_SERVER)).isEqualTo(plan.restarts());
	}

	@Test
	void everyCommittedRowReachesKafkaThroughTheRelayWhateverFailsTheBrokerIncluded() throws Exception {
		FaultPlan base = FaultPlan.named(System.getProperty("lode.faults", "short"), seed());
		FaultPlan plan = base.withBrokerRestarts(base.restarts() + 1);
		FaultReport report = new FaultDriver(TestPostgres.get(), plan, directory(), System.out, List.of(), true).run();
		// the topic holds every committed row's insert and update, each partition (so each key) in commit order;
		// copies are allowed (reported): lode sends again what it had not acknowledged
		assertThat(report.lost()).as("lost rows\n%s", report).isZero();
		assertThat(report.problems()).as("problems\n%s", report).isEmpty();
		assertThat(report.injected(Fault.KILL_CONSUMER)).isEqualTo(plan.kills());
		assertThat(report.injected(Fault.TERMINATE_WALSENDER)).isEqualTo(plan.terminations());
		assertThat(report.injected(Fault.RESTART_SERVER)).isEqualTo(plan.restarts());
		assertThat(report.injected(Fault.RESTART_BROKER)).isEqualTo(plan.brokerRestarts());
	}

	@Test
	void everyCommittedRowReachesKafkaExactlyOnceThroughTheTransactionalRelayWhateverFails() throws Exception {
		FaultPlan base = FaultPlan.named(System.getProperty("lode.faults", "short"), seed());
		FaultPlan plan = base.withBrokerRestarts(base.restarts() + 1);
		FaultReport report = new FaultDriver(TestPostgres.get(), plan, directory(), System.out,
				List.of("--lode.relay.kafka.exactly-once=true"), true).run();
		// a read_committed consumer sees every committed row's insert and update once, each key in commit order,
		// through kills of the application, walsender terminations, server and broker restarts
		assertThat(report.lost()).as("lost rows\n%s", report).isZero();
		assertThat(report.problems()).as("problems\n%s", report).isEmpty();
		assertThat(report.duplicates()).as("duplicates\n%s", report).isZero();
		assertThat(report.injected(Fault.KILL_CONSUMER)).isEqualTo(plan.kills());
		assertThat(report.injected(Fault.TERMINATE_WALSENDER)).isEqualTo(plan.terminations());
		assertThat(report.injected(Fault.RESTART_SERVER)).isEqualTo(plan.restarts());
		assertThat(report.injected(Fault.RESTART_BROKER)).isEqualTo(plan.brokerRestarts());
	}

	@Test
	void aListenerKeepsAPerfectCopyThroughInitialAndOnDemandSnapshotsKilledInTheMiddle() throws Exception {
		boolean full = "full".equals(System.getProperty("lode.faults", "short"));
		Long seed = seed();
		SnapshotFaults.Result result = new SnapshotFaults(TestPostgres.get(), full ? 30_000 : 8_000, full ? 10 : 2,
				(seed != null) ? seed : System.nanoTime(), directory(), System.out).run();
		assertThat(result.differences()).as("copy vs table\n%s", result.summary()).isEmpty();
		assertThat(result.killsInInitial()).as("kills in the initial snapshot").isGreaterThan(0);
		assertThat(result.killsInOnDemand()).as("kills in the on-demand snapshot").isGreaterThan(0);
		assertThat(result.writes()).as("writes during the snapshots").isGreaterThan(100);
	}

	@Test
	void aListenerKeepsAPerfectCopyThroughFailoversOfThePrimary() throws Exception {
		boolean full = "full".equals(System.getProperty("lode.faults", "short"));
		Long seed = seed();
		try (ReplicatedClusters pair = ReplicatedClusters.start()) {
			FailoverFaults.Result result = new FailoverFaults(pair, full ? 20_000 : 2_000, full ? 5 : 1,
					(seed != null) ? seed : System.nanoTime(), directory(), System.out).run();
			assertThat(result.differences()).as("copy vs table\n%s", result.summary()).isEmpty();
			// with a failover slot (PostgreSQL 17+) the stream just continues; without, each failover is a gap
			assertThat(result.gaps()).as("gaps\n%s", result.summary())
				.isEqualTo(result.failoverSlots() ? 0 : result.failovers());
			assertThat(result.resyncs()).as("re-synchronisations\n%s", result.summary()).isEqualTo(result.gaps());
			assertThat(result.writes()).as("writes during the failovers").isGreaterThan(100);
		}
	}

	private static void assertPromiseHeld(List<String> consumerArguments, long redeliveredPerReconnect)
			throws Exception {
		FaultPlan plan = FaultPlan.named(System.getProperty("lode.faults", "short"), seed());
		FaultReport report = new FaultDriver(TestPostgres.get(), plan, directory(), System.out, consumerArguments)
			.run();
		assertThat(report.lost()).as("lost rows\n%s", report).isZero();
		assertThat(report.problems()).as("problems\n%s", report).isEmpty();
		assertThat(report.injected(Fault.KILL_CONSUMER)).isEqualTo(plan.kills());
		assertThat(report.injected(Fault.TERMINATE_WALSENDER)).isEqualTo(plan.terminations());
		assertThat(report.injected(Fault.RESTART_SERVER)).isEqualTo(plan.restarts());
		assertThat(report.duplicates()).as("duplicates are allowed (reported)").isGreaterThanOrEqualTo(0);
		assertThat(report.duplicatesAfter(Fault.TERMINATE_WALSENDER)).as("%s", report)
			.isLessThanOrEqualTo(redeliveredPerReconnect * plan.terminations());
		assertThat(report.duplicatesAfter(Fault.RESTART_SERVER)).as("%s", report)
			.isLessThanOrEqualTo(redeliveredPerReconnect * plan.restarts());
	}

	@Test
	void theAuditSeesLossesOfAListenerThatReturnsWithoutRecording() throws Exception {
		// no faults; a broken listener returns for every 50th row without recording it, lode acknowledges it
		System.out.println("[fault-injection] audit check: the consumer drops every 50th row on purpose;"
				+ " the report below must say FAILED with lost > 0");
		FaultPlan plan = new FaultPlan("audit-check", 0, 0, 0, 0.0, 200, 500, Duration.ZERO, 42);
		FaultReport report = new FaultDriver(TestPostgres.get(), plan, directory(), System.out,
				List.of("--fault.drop-every=50")).run();

		assertThat(report.lost()).as("%s", report).isEqualTo(committed(report) / 50).isPositive();
		assertThat(report.passed()).as("%s", report).isFalse();
	}

	private static long committed(FaultReport report) {
		return report.committedRows();
	}

	private static Long seed() {
		String seed = System.getProperty("lode.faults.seed", "");
		return seed.isBlank() ? null : Long.valueOf(seed.trim());
	}

	private static Path directory() {
		return Path.of(System.getProperty("lode.faults.dir", "target/fault-injection"));
	}

}
