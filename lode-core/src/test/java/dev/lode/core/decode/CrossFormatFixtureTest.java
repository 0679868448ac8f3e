package dev.lode.core.decode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three decoders on the same captured workload (see {@link Captured}) give the same {@link WalChange}s. What
 * differs is inherent to the formats, and is mapped here on purpose:
 * <ul>
 * <li>wal2json sends {@code NaN} and infinities of {@code real} / {@code double precision} as {@code null};
 * pgoutput's text keeps them ({@link Float#NaN}, ...);</li>
 * <li>format 1 has no commit start LSN (its {@code commitLsn} is the commit end, {@code nextlsn}), no per-change
 * LSN ({@link Lsn#INVALID}), no TRUNCATE, and leaves NULLs out of {@code oldkeys};</li>
 * <li>PostgreSQL 15's pgoutput skips transactions without published changes (DDL), which wal2json sends
 * empty.</li>
 * </ul>
 */
class CrossFormatFixtureTest {

	@ParameterizedTest
	@ValueSource(strings = { "s1", "s2", "s3", "s4", "s5" })
	void pgoutputGivesTheSameChangesAsWal2JsonV2(String scenario) throws Exception {
		RecordingSink v2 = Captured.decode(scenario, "wal2json-v2");
		RecordingSink pgoutput = Captured.decode(scenario, "pgoutput");
		assertThat(v2.changes()).isNotEmpty();
		assertThat(pgoutput.changes().stream().map(CrossFormatFixtureTest::finiteFloats).toList())
			.containsExactlyElementsOf(v2.changes());
		assertThat(pgoutput.messages()).containsExactlyElementsOf(v2.messages());
		// every transaction with changes is acknowledged at the same LSN
		assertThat(pgoutput.commits()).isSubsetOf(v2.commits()).isNotEmpty();
		assertThat(pgoutput.commits()).containsExactlyElementsOf(v2.commits()
			.stream()
			.filter((c) -> v2.changes().stream().anyMatch((change) -> change.transaction().equals(c.transaction())))
			.toList());
	}

	@ParameterizedTest
	@ValueSource(strings = { "s1", "s2", "s3", "s4", "s5" })
	void wal2JsonV1GivesTheSameChangesAsV2(String scenario) throws Exception {
		RecordingSink v2 = Captured.decode(scenario, "wal2json-v2");
		RecordingSink v1 = Captured.decode(scenario, "wal2json-v1");
		Map<Long, Lsn> endByXid = new LinkedHashMap<>();
		v2.commits().forEach((c) -> endByXid.put(c.transaction().xid(), c.endLsn()));
		List<WalChange> expected = new ArrayList<>();
		for (WalChange change : v2.changes()) {
			if (change.kind() != ChangeKind.TRUNCATE) {
				TransactionInfo tx = change.transaction();
				Map<String, Object> old = new LinkedHashMap<>(change.oldValues());
				old.values().removeIf((v) -> v == null);
				expected.add(new WalChange(change.schema(), change.table(), change.kind(), change.values(), old,
						change.columnTypes(),
						new TransactionInfo(tx.xid(), endByXid.get(tx.xid()), tx.commitTime()), Lsn.INVALID));
			}
		}
		assertThat(v1.changes()).containsExactlyElementsOf(expected);
		assertThat(v1.messages()).containsExactlyElementsOf(v2.messages());
		// the same transactions, acknowledged at the same LSNs
		assertThat(v1.commits()).extracting(RecordingSink.Commit::endLsn)
			.containsExactlyElementsOf(v2.commits().stream().map(RecordingSink.Commit::endLsn).toList());
		assertThat(v1.commits()).extracting((c) -> c.transaction().commitLsn())
			.containsExactlyElementsOf(v2.commits().stream().map(RecordingSink.Commit::endLsn).toList());
	}

	/** wal2json's view of a float: {@code null} for NaN and infinities. */
	static WalChange finiteFloats(WalChange change) {
		return new WalChange(change.schema(), change.table(), change.kind(), finite(change.values()),
				finite(change.oldValues()), change.columnTypes(), change.transaction(), change.lsn());
	}

	private static Map<String, Object> finite(Map<String, Object> values) {
		Map<String, Object> copy = new LinkedHashMap<>(values);
		copy.replaceAll((k, v) -> ((v instanceof Double d && !Double.isFinite(d))
				|| (v instanceof Float f && !Float.isFinite(f))) ? null : v);
		return copy;
	}

}
