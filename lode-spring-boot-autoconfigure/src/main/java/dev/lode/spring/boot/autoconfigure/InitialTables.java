package dev.lode.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.lode.core.ChangeKind;
import dev.lode.core.WatchedTable;
import dev.lode.core.replication.ReplicationSetupException;

/**
 * The tables of the initial snapshot ({@code lode.snapshot.mode=initial}): {@code lode.snapshot.tables}, or when
 * that is empty every table a listener of SNAPSHOT rows names.
 */
final class InitialTables {

	private InitialTables() {
	}

	static List<String> of(List<String> configured, List<WatchedTable> watched) {
		if (!configured.isEmpty()) {
			return configured;
		}
		Set<String> names = new LinkedHashSet<>();
		for (WatchedTable table : watched) {
			if (!table.kinds().contains(ChangeKind.SNAPSHOT)) {
				continue; // its rows would be read for nobody
			}
			if (table.isAllTables() || table.table() == null) {
				throw new ReplicationSetupException("lode.snapshot.mode=initial reads the tables the listeners name,"
						+ " but a listener watches every table (an @OnWalChange without table)",
						"List the tables to read in lode.snapshot.tables, or name the table in each listener");
			}
			names.add((table.schema() != null) ? table.schema() + "." + table.table() : table.table());
		}
		if (names.isEmpty()) {
			throw new ReplicationSetupException("lode.snapshot.mode=initial has no table to read: no listener of SNAPSHOT"
					+ " rows names one and lode.snapshot.tables is empty", "List the tables to read in lode.snapshot.tables, and give their listeners kind SNAPSHOT (or no kind)");
		}
		return new ArrayList<>(names);
	}

}
