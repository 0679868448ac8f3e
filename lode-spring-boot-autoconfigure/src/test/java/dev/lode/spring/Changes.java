package dev.lode.spring;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;

/**
 * Synthetic changes for tests that drive the dispatcher without a server.
 */
final class Changes {

	static final TransactionInfo TX = new TransactionInfo(700, Lsn.parse("0/1000"),
			OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC));

	private Changes() {
	}

	static WalChange insert(String table, Object... columnsAndValues) {
		return change(table, ChangeKind.INSERT, map(columnsAndValues), Map.of(), TX);
	}

	static WalChange update(String table, Map<String, Object> values, Map<String, Object> old) {
		return change(table, ChangeKind.UPDATE, values, old, TX);
	}

	static WalChange delete(String table, Object... oldColumnsAndValues) {
		return change(table, ChangeKind.DELETE, Map.of(), map(oldColumnsAndValues), TX);
	}

	static WalChange change(String table, ChangeKind kind, Map<String, Object> values, Map<String, Object> old,
			TransactionInfo tx) {
		return new WalChange("public", table, kind, new LinkedHashMap<>(values), new LinkedHashMap<>(old), Map.of(),
				tx, Lsn.parse("0/F00"));
	}

	static Map<String, Object> map(Object... columnsAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < columnsAndValues.length; i += 2) {
			map.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
		}
		return map;
	}

}
