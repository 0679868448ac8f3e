package dev.lode.faults.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.lode.core.Lsn;
import dev.lode.faults.ledger.LedgerRecord;

/**
 * Compares the ledgers of all consumer runs with the committed rows {@code 1..committed} and checks the
 * promise: every committed row delivered at least once, in commit order, duplicates only for work that was
 * not acknowledged.
 *
 * <ul>
 * <li><b>lost</b>: committed ids never recorded.</li>
 * <li><b>duplicates</b>: deliveries beyond the first of an id, also split by what started the session that
 * delivered them again (the first start, or the fault the driver injected before it).</li>
 * <li><b>unknown</b>: recorded ids that were never committed.</li>
 * <li><b>order violations</b>: within one session (one replication connection of one process), ids are
 * consecutive: commit order is id order and every committed row is on the watched table.</li>
 * <li><b>gaps at resume</b>: a session (after a reconnect or in a new process) starts after an id that no
 * run had recorded before: the position was acknowledged ahead of the listeners.</li>
 * <li><b>redelivered after ack</b>: a transaction delivered although its commit LSN lies before the
 * position the slot had confirmed when the session started.</li>
 * </ul>
 */
final class DeliveryAudit {

	private static final int EXAMPLES = 10;

	private DeliveryAudit() {
	}

	static Result audit(long committed, List<List<LedgerRecord>> runs) {
		return audit(committed, runs, Map.of());
	}

	/**
	 * @param committed the committed ids are {@code 1..committed}
	 * @param runs the ledgers of the consumer runs, in order
	 * @param sessionCauses what started a session, by {@link #session(int, int) run and session number}
	 * (sessions not in it: {@code "start"} for the first, {@code "other"} for the rest)
	 * @return what the audit found
	 */
	static Result audit(long committed, List<List<LedgerRecord>> runs, Map<String, String> sessionCauses) {
		return audit(committed, runs, sessionCauses, true, java.util.Set.of());
	}

	/**
	 * @param committed the committed ids are {@code 1..committed}
	 * @param runs the ledgers of the consumer runs, in order
	 * @param sessionCauses what started a session
	 * @param inCommitOrder whether the consumer delivers in commit order (one lane, synchronous listener):
	 * then ids are consecutive within a session and a session starts right after what was recorded; with
	 * lanes or an asynchronous listener, rows (each one id, written once) may complete in any order, and the
	 * per-row check is that no session delivers a row twice
	 * @param updated the rows the writer updated (in a later transaction than their insert): each update must be
	 * delivered, and within a session never before its row's insert
	 * @return what the audit found
	 */
	static Result audit(long committed, List<List<LedgerRecord>> runs, Map<String, String> sessionCauses,
			boolean inCommitOrder, java.util.Set<Long> updated) {
		java.util.Set<Long> updatesDelivered = new java.util.HashSet<>();
		if (committed > Integer.MAX_VALUE - 1) {
			throw new IllegalArgumentException("Too many rows: " + committed);
		}
		int[] counts = new int[(int) committed + 1];
		Result r = new Result();
		r.committed = committed;
		r.runs = runs.size();
		long maxSeen = 0;
		int runNumber = 0;
		String cause = "start";
		for (List<LedgerRecord> run : runs) {
			runNumber++;
			int session = 0;
			Lsn confirmed = null;
			long previous = -1;
			java.util.Set<Long> inSession = new java.util.HashSet<>();
			java.util.Set<Long> updatedInSession = new java.util.HashSet<>();
			for (LedgerRecord record : run) {
				switch (record.type()) {
					case 's' -> {
						session++;
						r.sessions++;
						cause = sessionCauses.getOrDefault(session(runNumber, session),
								(r.sessions == 1) ? "start" : "other");
						r.sessionsByCause.merge(cause, 1L, Long::sum);
						confirmed = Lsn.parse(record.text());
						previous = -1;
						inSession.clear();
						updatedInSession.clear();
					}
					case 'f' -> r.injectedFailures++;
					case 'u' -> {
						r.updateDeliveries++;
						updatesDelivered.add(record.id());
						updatedInSession.add(record.id());
						if (confirmed != null && Lsn.parse(record.text()).compareTo(confirmed) < 0) {
							r.redeliveredAfterAck++;
							example(r.problems, "run " + runNumber + " session " + session + ": update of row "
									+ record.id() + " (commit " + record.text() + ") delivered although the slot had"
									+ " confirmed " + confirmed);
						}
					}
					case 'r' -> r.reconnects++;
					case 'x' -> {
						r.gaveUp++;
						example(r.problems, "run " + runNumber + ": lode gave up: " + record.text());
					}
					case 'd' -> {
						long id = record.id();
						r.deliveries++;
						String where = "run " + runNumber + " session " + session;
						if (id < 1 || id > committed) {
							r.unknown++;
							example(r.problems, where + ": id " + id + " was never committed");
						}
						else {
							if (counts[(int) id] > 0) {
								r.duplicatesByCause.merge(cause, 1L, Long::sum);
							}
							counts[(int) id]++;
						}
						if (confirmed == null) {
							r.orderViolations++;
							example(r.problems, where + ": id " + id + " delivered before lode reported streaming");
						}
						else if (Lsn.parse(record.text()).compareTo(confirmed) < 0) {
							r.redeliveredAfterAck++;
							example(r.problems, where + ": id " + id + " (commit " + record.text()
									+ ") delivered although the slot had confirmed " + confirmed);
						}
						if (updatedInSession.contains(id)) {
							r.orderViolations++;
							example(r.problems, where + ": the insert of row " + id + " after its update");
						}
						if (!inCommitOrder) {
							if (!inSession.add(id)) {
								r.orderViolations++;
								example(r.problems, where + ": row " + id + " delivered twice in one session");
							}
						}
						else if (previous < 0) {
							if (id > maxSeen + 1) {
								r.gapsAtResume++;
								example(r.problems, where + " started at id " + id + " but nothing after " + maxSeen
										+ " had been recorded");
							}
						}
						else if (id != previous + 1) {
							r.orderViolations++;
							example(r.problems, where + ": id " + id + " after " + previous);
						}
						previous = id;
						maxSeen = Math.max(maxSeen, id);
					}
					default -> throw new IllegalArgumentException("Unknown record " + record);
				}
			}
		}
		countLossesAndDuplicates(r, counts);
		r.updatesCommitted = updated.size();
		for (long id : updated) {
			if (!updatesDelivered.contains(id)) {
				r.lostUpdates++;
				example(r.problems, "the update of row " + id + " was never delivered");
			}
		}
		return r;
	}

	/**
	 * @param r where to count
	 * @param counts deliveries by id ({@code counts[id]}, ids from 1)
	 */
	static void countLossesAndDuplicates(Result r, int[] counts) {
		for (int id = 1; id < counts.length; id++) {
			if (counts[id] == 0) {
				r.lost++;
				if (r.lostIds.size() < EXAMPLES) {
					r.lostIds.add((long) id);
				}
			}
			else {
				r.distinct++;
				if (counts[id] > 1) {
					r.duplicates += counts[id] - 1;
					r.idsDeliveredMoreThanOnce++;
				}
			}
		}
	}

	/**
	 * @param run the consumer run, from 1
	 * @param session the streaming session within the run, from 1
	 * @return the key of {@code sessionCauses}
	 */
	static String session(int run, int session) {
		return run + "/" + session;
	}

	private static void example(List<String> examples, String text) {
		if (examples.size() < EXAMPLES) {
			examples.add(text);
		}
	}

	/** What the audit found. */
	static final class Result {

		long committed;

		long deliveries;

		long distinct;

		long lost;

		final List<Long> lostIds = new ArrayList<>();

		long duplicates;

		long idsDeliveredMoreThanOnce;

		/** Duplicates by what started the session that delivered them. */
		final Map<String, Long> duplicatesByCause = new TreeMap<>();

		/** Sessions by what started them. */
		final Map<String, Long> sessionsByCause = new TreeMap<>();

		long unknown;

		long orderViolations;

		long gapsAtResume;

		long redeliveredAfterAck;

		long updatesCommitted;

		long updateDeliveries;

		long lostUpdates;

		int runs;

		int sessions;

		int reconnects;

		int injectedFailures;

		int gaveUp;

		final List<String> problems = new ArrayList<>();

		/** @return whether the promise held: nothing lost, no order or acknowledgement violation */
		boolean promiseHeld() {
			return this.lost == 0 && this.unknown == 0 && this.orderViolations == 0 && this.gapsAtResume == 0
					&& this.redeliveredAfterAck == 0 && this.lostUpdates == 0;
		}

	}

}
