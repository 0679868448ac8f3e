package dev.lode.faults.driver;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.lode.faults.ledger.LedgerRecord;

/**
 * Rebuilds the copy of {@code snap_rows} a listener keeps from its ledger lines ({@code c} records), as the README
 * tells an application to: SNAPSHOT and INSERT as upserts, UPDATE as an upsert keeping {@code big} when unchanged,
 * DELETE and TRUNCATE as removals; after a gap ({@code GAP}) every row is stale until delivered again, and at the end
 * of the re-synchronisation ({@code RESYNCED}) the rows still stale go (they were deleted during the gap).
 */
final class CopyRebuild {

	final Map<Long, String[]> copy = new HashMap<>();

	private final Set<Long> stale = new HashSet<>();

	int gaps;

	int resyncs;

	void apply(LedgerRecord record) {
		String[] parts = record.text().split(" ");
		long id = record.id();
		switch (parts[0]) {
			case "GAP" -> {
				this.gaps++;
				this.stale.addAll(this.copy.keySet());
			}
			case "RESYNCED" -> {
				this.resyncs++;
				this.stale.forEach(this.copy::remove);
				this.stale.clear();
			}
			case "TRUNCATE" -> {
				this.copy.clear();
				this.stale.clear();
			}
			case "DELETE" -> {
				this.copy.remove(id);
				this.stale.remove(id);
			}
			case "UPDATE" -> {
				long old = parts[1].equals("-") ? id : Long.parseLong(parts[1]);
				String[] previous = this.copy.remove(old);
				this.stale.remove(old);
				String big = parts[3].equals("=") ? ((previous != null) ? previous[1] : "?") : parts[3];
				put(id, parts[2], big);
			}
			default -> put(id, parts[2], parts[3]); // SNAPSHOT, INSERT
		}
	}

	private void put(long id, String v, String big) {
		this.copy.put(id, new String[] { v, big });
		this.stale.remove(id);
	}

}
