package dev.lode.core.replication;

import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * How lode guards the end of its stream: what it does after a gap, whether it creates failover slots, and where it
 * keeps the record of its stream ({@link StreamRecordStore}).
 *
 * @param onLoss what to do when the slot lode streamed from is gone, invalidated or replaced
 * @param failover whether lode creates its slot as a failover slot (PostgreSQL 17+; ignored before), so that a
 * standby that synchronises it continues the stream after a promotion
 * @param recordSchema the schema of the record table, or {@code null} for the connection's current schema
 * @since 0.3.0
 */
public record SlotGuard(OnSlotLoss onLoss, boolean failover, @Nullable String recordSchema) {

	/** Fail on a gap, failover slots on, the record in the current schema. */
	public static final SlotGuard DEFAULT = new SlotGuard(OnSlotLoss.FAIL, true, null);

	private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

	/**
	 * Validates the settings.
	 */
	public SlotGuard {
		Objects.requireNonNull(onLoss, "onLoss");
		if (recordSchema != null && recordSchema.isBlank()) {
			recordSchema = null;
		}
		if (recordSchema != null && !SCHEMA.matcher(recordSchema).matches()) {
			throw new ReplicationSetupException("lode.slot.record-schema '" + recordSchema + "' is not a plain schema name",
					"Set lode.slot.record-schema to a schema name such as 'lode' (letters, digits and '_'), or leave it"
							+ " unset for the connection's current schema");
		}
	}

}
