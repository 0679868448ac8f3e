package dev.lode.core.replication;

import java.time.Instant;

import dev.lode.core.Lsn;
import org.jspecify.annotations.Nullable;

/**
 * One row of lode's record of its stream ({@link StreamRecordStore}).
 *
 * @param slot the slot name
 * @param systemId the system identifier of the server lode last streamed from
 * @param timeline that server's timeline then
 * @param plugin the output plugin
 * @param slotCreatedAt when lode created the slot ({@code null} when lode found it existing)
 * @param slotCreatedLsn the slot's position when lode created it ({@code null} when lode found it existing)
 * @param confirmLimit the furthest position lode may have confirmed to the slot: lode never confirms beyond what
 * this row says, so a slot whose confirmed position is past it is not the one lode streamed from
 * @param acknowledged the last position lode's listeners completed, as recorded ({@code null} before the first)
 * @param acknowledgedAt when it was recorded
 * @param lastGap the last gap lode found, in words ({@code null} if none)
 * @param lastGapAt when
 * @since 0.3.0
 */
public record StreamRecord(String slot, String systemId, int timeline, String plugin, @Nullable Instant slotCreatedAt,
		@Nullable Lsn slotCreatedLsn, Lsn confirmLimit, @Nullable Lsn acknowledged, @Nullable Instant acknowledgedAt,
		@Nullable String lastGap, @Nullable Instant lastGapAt) {

}
