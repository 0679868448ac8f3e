package dev.lode.core.replication;

import dev.lode.core.Lsn;
import org.jspecify.annotations.Nullable;

/**
 * A row of {@code pg_replication_slots}.
 *
 * @param name the slot name
 * @param plugin the output plugin the slot was created with
 * @param database the database the slot belongs to
 * @param active whether a walsender streams from the slot now
 * @param activePid the process id of that walsender, or {@code null}
 * @param confirmedFlushLsn the position the consumer confirmed
 * @param restartLsn the oldest WAL position the slot retains
 * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
 * @param failover whether it is a failover slot (PostgreSQL 17+; {@code null} before)
 * @param invalidationReason why PostgreSQL invalidated it (PostgreSQL 17+; {@code null} when valid or unknown)
 * @since 0.1.0
 */
public record SlotInfo(String name, String plugin, String database, boolean active, @Nullable Integer activePid,
		Lsn confirmedFlushLsn, Lsn restartLsn, @Nullable String walStatus, @Nullable Boolean failover,
		@Nullable String invalidationReason) {

	/**
	 * @return whether PostgreSQL invalidated the slot: it cannot stream any more
	 * @since 0.3.0
	 */
	public boolean invalidated() {
		return "lost".equals(this.walStatus) || this.invalidationReason != null;
	}

}
