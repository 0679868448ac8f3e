package dev.lode.faults.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lode.faults.ledger.LedgerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The audit itself: a checker that cannot fail proves nothing.
 */
class DeliveryAuditTest {

	@Test
	void aCompleteLedgerPasses() {
		DeliveryAudit.Result r = DeliveryAudit.audit(5, List.of(run("s 0/100", "d 1 0/200", "d 2 0/300", "d 3 0/300",
				"f 4", "d 4 0/400", "d 5 0/500")));
		assertThat(r.promiseHeld()).isTrue();
		assertThat(r.lost).isZero();
		assertThat(r.duplicates).isZero();
		assertThat(r.injectedFailures).isEqualTo(1);
	}

	@Test
	void aRowsUpdateBeforeItsInsertInOneSessionIsAnOrderViolationAndAnUpdateNeverDeliveredIsLost() {
		DeliveryAudit.Result inOrder = DeliveryAudit.audit(3,
				List.of(run("s 0/100", "d 1 0/200", "d 2 0/300", "u 1 0/300", "d 3 0/400", "u 2 0/400")), Map.of(),
				false, Set.of(1L, 2L));
		assertThat(inOrder.promiseHeld()).isTrue();
		DeliveryAudit.Result swapped = DeliveryAudit.audit(3,
				List.of(run("s 0/100", "d 1 0/200", "u 2 0/400", "d 2 0/300", "u 1 0/300", "d 3 0/400")), Map.of(),
				false, Set.of(1L, 2L, 3L));
		assertThat(swapped.orderViolations).isEqualTo(1);
		assertThat(swapped.lostUpdates).as("row 3's update never came").isEqualTo(1);
		assertThat(swapped.promiseHeld()).isFalse();
	}

	@Test
	void onLanesRowsMayCompleteInAnyOrderButNotTwiceInOneSession() {
		DeliveryAudit.Result r = DeliveryAudit.audit(3,
				List.of(run("s 0/100", "d 2 0/300", "d 1 0/200", "d 3 0/400")), Map.of(), false, Set.of());
		assertThat(r.promiseHeld()).isTrue();
		DeliveryAudit.Result twice = DeliveryAudit.audit(3,
				List.of(run("s 0/100", "d 2 0/300", "d 1 0/200", "d 2 0/300", "d 3 0/400")), Map.of(), false, Set.of());
		assertThat(twice.orderViolations).isEqualTo(1);
	}

	@Test
	void duplicatesAreSplitByWhatStartedTheSessionThatDeliveredThemAgain() {
		DeliveryAudit.Result r = DeliveryAudit.audit(4,
				List.of(run("s 0/100", "d 1 0/200", "d 2 0/300", "s 0/250", "d 2 0/300", "d 3 0/400"),
						run("s 0/250", "d 2 0/300", "d 3 0/400", "d 4 0/400")),
				Map.of(DeliveryAudit.session(1, 2), "terminate-walsender", DeliveryAudit.session(2, 1), "kill-consumer"));
		assertThat(r.duplicates).isEqualTo(3);
		assertThat(r.duplicatesByCause).containsOnly(entry("terminate-walsender", 1L), entry("kill-consumer", 2L));
		assertThat(r.sessionsByCause).containsOnly(entry("start", 1L), entry("terminate-walsender", 1L),
				entry("kill-consumer", 1L));
	}

	@Test
	void redeliveryAfterAKillIsADuplicateNotAViolation() {
		DeliveryAudit.Result r = DeliveryAudit.audit(4,
				List.of(run("s 0/100", "d 1 0/200", "d 2 0/300"), run("s 0/250", "d 2 0/300", "d 3 0/400", "d 4 0/400")));
		assertThat(r.promiseHeld()).isTrue();
		assertThat(r.duplicates).isEqualTo(1);
		assertThat(r.idsDeliveredMoreThanOnce).isEqualTo(1);
	}

	@Test
	void redeliveryAfterAReconnectInTheSameProcessIsADuplicateNotAViolation() {
		DeliveryAudit.Result r = DeliveryAudit.audit(3,
				List.of(run("s 0/100", "d 1 0/200", "d 2 0/300", "r 1", "s 0/250", "d 2 0/300", "d 3 0/400")));
		assertThat(r.promiseHeld()).isTrue();
		assertThat(r.duplicates).isEqualTo(1);
		assertThat(r.sessions).isEqualTo(2);
		assertThat(r.reconnects).isEqualTo(1);
	}

	@Test
	void aMissingRowIsLost() {
		DeliveryAudit.Result r = DeliveryAudit.audit(4, List.of(run("s 0/100", "d 1 0/200", "d 2 0/300")));
		assertThat(r.lost).isEqualTo(2);
		assertThat(r.lostIds).containsExactly(3L, 4L);
		assertThat(r.promiseHeld()).isFalse();
	}

	@Test
	void aSkippedRowInsideASessionIsAnOrderViolation() {
		DeliveryAudit.Result r = DeliveryAudit.audit(3, List.of(run("s 0/100", "d 1 0/200", "d 3 0/400", "d 2 0/300")));
		assertThat(r.lost).isZero();
		assertThat(r.orderViolations).isEqualTo(2);
		assertThat(r.promiseHeld()).isFalse();
	}

	@Test
	void aSessionThatResumesBeyondWhatWasRecordedIsAGap() {
		DeliveryAudit.Result r = DeliveryAudit.audit(4,
				List.of(run("s 0/100", "d 1 0/200"), run("s 0/350", "d 3 0/400", "d 4 0/400")));
		assertThat(r.gapsAtResume).isEqualTo(1);
		assertThat(r.lost).isEqualTo(1);
	}

	@Test
	void aTransactionDeliveredBeforeTheConfirmedPositionWasRedeliveredAfterItsAcknowledgement() {
		DeliveryAudit.Result r = DeliveryAudit.audit(2,
				List.of(run("s 0/100", "d 1 0/200", "d 2 0/300"), run("s 0/301", "d 2 0/300")));
		assertThat(r.redeliveredAfterAck).isEqualTo(1);
		assertThat(r.promiseHeld()).isFalse();
	}

	@Test
	void anIdThatWasNeverCommittedIsUnknown() {
		DeliveryAudit.Result r = DeliveryAudit.audit(1, List.of(run("s 0/100", "d 1 0/200", "d 2 0/300")));
		assertThat(r.unknown).isEqualTo(1);
		assertThat(r.promiseHeld()).isFalse();
	}

	private static List<LedgerRecord> run(String... lines) {
		List<LedgerRecord> records = new ArrayList<>();
		for (String line : lines) {
			records.add(LedgerRecord.parse(line));
		}
		return records;
	}

}
