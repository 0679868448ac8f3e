package dev.lode.core.replication;

import java.time.Instant;

import dev.lode.core.Lsn;
import org.jspecify.annotations.Nullable;

/**
 * A gap in lode's stream: changes that were committed after the last position lode's listeners completed may never
 * reach them, because the slot lode streamed from ended. Found when lode (re)connects, by comparing the slot with
 * the record lode keeps of its stream ({@link StreamRecordStore}).
 *
 * @param slot the slot name
 * @param reason what happened
 * @param description what happened, in words (the positions, the servers, the timelines)
 * @param lastAcknowledged the last position lode's listeners completed, as recorded ({@code null} if unknown)
 * @param lastAcknowledgedAt when it was recorded ({@code null} if unknown)
 * @param promoted whether the server was promoted since lode last streamed (its timeline changed)
 * @param action what lode does about it ({@code lode.slot.on-loss})
 * @param detectedAt when lode found it
 * @since 0.3.0
 */
public record StreamGap(String slot, Reason reason, String description, @Nullable Lsn lastAcknowledged,
		@Nullable Instant lastAcknowledgedAt, boolean promoted, OnSlotLoss action, Instant detectedAt) {

	/** What ended the stream. */
	public enum Reason {

		/** The slot does not exist (dropped, or not carried to a promoted standby or an upgraded server). */
		SLOT_MISSING,
		/** PostgreSQL invalidated the slot (it removed WAL the slot needed, or a standby conflict). */
		SLOT_INVALIDATED,
		/** A slot of the name exists but is not the one lode streamed from (created again, or advanced). */
		SLOT_REPLACED,
		/** The slot exists on another server (another system identifier: an upgrade, a copy) than lode streamed from. */
		SERVER_CHANGED

	}

	StreamGap withAction(OnSlotLoss chosen) {
		return new StreamGap(this.slot, this.reason, this.description, this.lastAcknowledged, this.lastAcknowledgedAt,
				this.promoted, chosen, this.detectedAt);
	}

	/** @return the last acknowledged position and its time, in words */
	public String lastAcknowledgedText() {
		if (this.lastAcknowledged == null) {
			return "lode has no record of what it acknowledged from this slot";
		}
		return "lode's listeners completed everything up to " + this.lastAcknowledged
				+ ((this.lastAcknowledgedAt != null) ? " (recorded at " + this.lastAcknowledgedAt + ")" : "");
	}

	/** @return the problem, the last position and the gap, in one sentence for logs and health */
	public String message() {
		return "Gap in the stream of slot '" + this.slot + "': " + this.description + ". " + lastAcknowledgedText()
				+ "; changes committed after that may never have reached the listeners";
	}

}
