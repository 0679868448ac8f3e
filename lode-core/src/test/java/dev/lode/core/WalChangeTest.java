package dev.lode.core;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Additions of {@link WalChange}: raw texts, unchanged columns, equality of byte arrays. */
class WalChangeTest {

	private static final TransactionInfo TX = new TransactionInfo(1, Lsn.parse("0/10"), null);

	private static Map<String, Object> map(Object... pairs) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			map.put((String) pairs[i], pairs[i + 1]);
		}
		return map;
	}

	@Test
	void rawTextIsKeptOrDerived() {
		WalChange change = new WalChange("s", "t", ChangeKind.UPDATE,
				map("i", 5, "n", new BigDecimal("1.50"), "b", true, "s", "x", "d", 1.5d, "z", null, "nan", null),
				map("i", 4), Map.of(), TX, Lsn.INVALID, Map.of("d", "1.5", "nan", "NaN"), Map.of(), Set.of("big"));
		assertThat(change.raw("i")).isEqualTo("5");
		assertThat(change.raw("n")).isEqualTo("1.50");
		assertThat(change.raw("b")).isEqualTo("t");
		assertThat(change.raw("s")).isEqualTo("x");
		assertThat(change.raw("d")).isEqualTo("1.5");
		assertThat(change.raw("z")).isNull();
		assertThat(change.raw("nan")).isEqualTo("NaN");
		assertThat(change.rawOld("i")).isEqualTo("4");
		assertThat(change.rawValues()).containsEntry("d", "1.5").containsEntry("z", null).hasSize(7);
		assertThat(change.rawOldValues()).containsExactly(Map.entry("i", "4"));
		assertThat(change.unchangedColumns()).containsExactly("big");
		assertThat(change.isUnchanged("big")).isTrue();
		assertThat(change.isUnchanged("z")).isFalse();
	}

	@Test
	void unchangedOnlyForUpdates() {
		WalChange insert = new WalChange("s", "t", ChangeKind.INSERT, map("a", 1), Map.of(), Map.of(), TX, Lsn.INVALID);
		assertThat(insert.isUnchanged("b")).isFalse();
		assertThat(insert.unchangedColumns()).isEmpty();
		assertThat(insert.rawValues()).containsExactly(Map.entry("a", "1"));
	}

	@Test
	void byteArraysCompareByContentAlsoInLists() {
		WalChange a = new WalChange("s", "t", ChangeKind.INSERT, map("b", new byte[] { 1, 2 }, "l", List.of(new byte[] { 3 })),
				Map.of(), Map.of(), TX, Lsn.INVALID);
		WalChange b = new WalChange("s", "t", ChangeKind.INSERT, map("b", new byte[] { 1, 2 }, "l", List.of(new byte[] { 3 })),
				Map.of(), Map.of("b", "bytea"), TX, Lsn.INVALID, Map.of("b", "\\x0102"), Map.of(), Set.of());
		WalChange c = new WalChange("s", "t", ChangeKind.INSERT, map("b", new byte[] { 1, 3 }, "l", List.of(new byte[] { 3 })),
				Map.of(), Map.of(), TX, Lsn.INVALID);
		assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
	}

}
