package dev.lode.faults.driver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.lode.faults.driver.FaultPlan.Fault;

/**
 * The outcome of a fault-injection run: the audit of the ledgers, the faults injected, and the problems
 * (hangs, crashes, promise violations) found.
 */
public final class FaultReport {

	final FaultPlan plan;

	final Path directory;

	DeliveryAudit.Result audit;

	long committedRows;

	/** The two-source mode: the audit of the second source's ledgers, and its committed rows. */
	DeliveryAudit.Result secondAudit;

	long secondCommittedRows;

	int transactions;

	int writerConnectionLosses;

	int uncertainCommits;

	final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);

	final Map<Fault, List<Duration>> recoveries = new EnumMap<>(Fault.class);

	int consumerRuns;

	int unexpectedExits;

	int partialLedgerLines;

	int restartsThatForgotAcknowledgements;

	int positionRegressions;

	String endLsn;

	String confirmedFlushLsn;

	Integer lastExitCode;

	Duration duration = Duration.ZERO;

	final List<String> problems = new ArrayList<>();

	FaultReport(FaultPlan plan, Path directory) {
		this.plan = plan;
		this.directory = directory;
		for (Fault fault : Fault.values()) {
			this.injected.put(fault, 0);
			this.recoveries.put(fault, new ArrayList<>());
		}
	}

	/**
	 * @param source {@code default}, or {@code second} in the two-source mode
	 * @return that source's committed rows never delivered (-1 when its audit did not run)
	 */
	public long lost(String source) {
		DeliveryAudit.Result result = "second".equals(source) ? this.secondAudit : this.audit;
		return (result != null) ? result.lost : -1;
	}

	/** @return committed rows never delivered (-1 when the audit did not run) */
	public long lost() {
		return (this.audit != null) ? this.audit.lost : -1;
	}

	/** @return the committed rows: ids 1..committedRows() */
	public long committedRows() {
		return this.committedRows;
	}

	/** @return how many faults of that kind were injected */
	public int injected(FaultPlan.Fault fault) {
		return this.injected.get(fault);
	}

	/** @return deliveries beyond the first of a row */
	public long duplicates() {
		return (this.audit != null) ? this.audit.duplicates : -1;
	}

	/**
	 * @param fault a fault
	 * @return the duplicates delivered by the sessions that fault started ({@code -1} before the audit)
	 */
	public long duplicatesAfter(Fault fault) {
		return (this.audit != null)
				? this.audit.duplicatesByCause.getOrDefault(fault.label(), 0L)
				: -1;
	}

	/** @return everything that went wrong: loss, order or acknowledgement violations, hangs, crashes */
	public List<String> problems() {
		List<String> all = new ArrayList<>(this.problems);
		if (this.audit == null) {
			all.add("the ledgers were not audited");
		}
		else {
			if (!this.audit.promiseHeld()) {
				all.add("the promise was broken: lost=" + this.audit.lost + " unknown=" + this.audit.unknown
						+ " order-violations=" + this.audit.orderViolations + " gaps-at-resume="
						+ this.audit.gapsAtResume + " redelivered-after-ack=" + this.audit.redeliveredAfterAck
						+ " lost-updates=" + this.audit.lostUpdates);
			}
			this.audit.problems.forEach((p) -> all.add("audit: " + p));
			DeliveryAudit.Result second = this.secondAudit;
			if (second != null && !second.promiseHeld()) {
				all.add("the promise was broken for the second source: lost=" + second.lost + " unknown="
						+ second.unknown + " order-violations=" + second.orderViolations + " lost-updates="
						+ second.lostUpdates);
			}
			if (second != null) {
				second.problems.forEach((p) -> all.add("audit of the second source: " + p));
			}
		}
		return all;
	}

	/** @return whether nothing went wrong */
	public boolean passed() {
		return problems().isEmpty();
	}

	/** @return the report as printed */
	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder();
		sb.append("lode fault injection: plan=").append(this.plan.name())
			.append(" seed=").append(this.plan.seed())
			.append(" duration=").append(this.duration.toSeconds()).append("s")
			.append(" dir=").append(this.directory).append('\n');
		sb.append("  committed: ").append(this.committedRows).append(" rows (ids 1..").append(this.committedRows)
			.append(") in ").append(this.transactions).append(" transactions of 1-20 rows; writer connection losses=")
			.append(this.writerConnectionLosses).append(" (commit outcome unknown and found committed: ")
			.append(this.uncertainCommits).append(")\n");
		sb.append("  faults: kill -9 of the consumer=").append(this.injected.get(Fault.KILL_CONSUMER))
			.append(" walsender terminations=").append(this.injected.get(Fault.TERMINATE_WALSENDER))
			.append(" server restarts=").append(this.injected.get(Fault.RESTART_SERVER));
		if (this.plan.brokerRestarts() > 0) {
			sb.append(" broker restarts=").append(this.injected.get(Fault.RESTART_BROKER));
		}
		if (this.audit != null) {
			sb.append(" transient listener failures=").append(this.audit.injectedFailures);
		}
		sb.append('\n');
		if (this.audit != null) {
			DeliveryAudit.Result a = this.audit;
			sb.append("  consumer: runs=").append(this.consumerRuns).append(" streaming sessions=").append(a.sessions)
				.append(" reconnect attempts=").append(a.reconnects).append(" unexpected exits=")
				.append(this.unexpectedExits).append(" partial ledger lines (killed inside write)=")
				.append(this.partialLedgerLines).append(" final exit code=").append(this.lastExitCode).append('\n');
			sb.append("  recovery (fault -> lode streaming again): ");
			for (Fault fault : Fault.values()) {
				sb.append(fault.label()).append(' ').append(stats(this.recoveries.get(fault)))
					.append("; ");
			}
			sb.append('\n');
			sb.append("  delivered: ").append(a.deliveries).append(" (distinct ").append(a.distinct)
				.append("), ids delivered more than once=").append(a.idsDeliveredMoreThanOnce).append('\n');
			sb.append("  caught up: slot confirmed_flush_lsn=").append(this.confirmedFlushLsn)
				.append(" >= WAL end after the last commit=").append(this.endLsn).append('\n');
			sb.append("  slot position (confirmed_flush_lsn) went back: after a kill or a termination=")
				.append(this.positionRegressions).append(", after a server restart=")
				.append(this.restartsThatForgotAcknowledgements).append(" of ").append(this.injected.get(Fault.RESTART_SERVER))
				.append(" (PostgreSQL < 17 does not save a slot whose confirmed_flush_lsn alone moved at shutdown)\n");
			sb.append("  order: violations=").append(a.orderViolations).append(" gaps-at-resume=")
				.append(a.gapsAtResume).append(" redelivered-after-ack=").append(a.redeliveredAfterAck)
				.append(" unknown-ids=").append(a.unknown).append('\n');
			sb.append("  duplicates by what started the session that delivered them again:");
			for (Map.Entry<String, Long> sessions : a.sessionsByCause.entrySet()) {
				sb.append(' ').append(sessions.getKey()).append('=')
					.append(a.duplicatesByCause.getOrDefault(sessions.getKey(), 0L)).append(" (")
					.append(sessions.getValue()).append(sessions.getValue() == 1 ? " session)" : " sessions)");
			}
			sb.append('\n');
			sb.append("  updates: ").append(a.updatesCommitted).append(" committed, ").append(a.updateDeliveries)
				.append(" deliveries, lost=").append(a.lostUpdates).append(" (each row's insert and update in order:")
				.append(" checked per session)\n");
			sb.append("  lost=").append(a.lost).append(" duplicates=").append(a.duplicates);
			if (!a.lostIds.isEmpty()) {
				sb.append(" (first lost ids: ").append(a.lostIds).append(')');
			}
			sb.append('\n');
		}
		DeliveryAudit.Result second = this.secondAudit;
		if (second != null) {
			sb.append("  second source: committed ").append(this.secondCommittedRows).append(" rows, sessions=")
				.append(second.sessions).append(", delivered ").append(second.deliveries).append(" (distinct ")
				.append(second.distinct).append("), order violations=").append(second.orderViolations)
				.append(", updates lost=").append(second.lostUpdates).append(", lost=").append(second.lost)
				.append(" duplicates=").append(second.duplicates).append('\n');
		}
		List<String> problems = problems();
		sb.append("  result: ").append(problems.isEmpty() ? "PASSED" : "FAILED").append('\n');
		for (String problem : problems) {
			sb.append("  problem: ").append(problem).append('\n');
		}
		return sb.toString();
	}

	private static String stats(List<Duration> durations) {
		if (durations.isEmpty()) {
			return "n/a";
		}
		List<Long> millis = durations.stream().map(Duration::toMillis).sorted().toList();
		return "median " + millis.get(millis.size() / 2) + " ms, max " + millis.get(millis.size() - 1) + " ms";
	}

}
