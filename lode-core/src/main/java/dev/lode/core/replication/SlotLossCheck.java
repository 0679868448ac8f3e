package dev.lode.core.replication;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Compares the slot with lode's record of its stream ({@link StreamRecordStore}) and names the gap, if any: the
 * slot is missing, invalidated, not the one lode streamed from, or on another server. A promotion (another timeline
 * of the same server) is no gap by itself: a failover slot that the standby synchronised continues the stream.
 *
 * @since 0.3.0
 */
final class SlotLossCheck {

	private SlotLossCheck() {
	}

	/**
	 * @param slotName the slot name
	 * @param record the record, or {@code null} when lode never streamed from this slot here
	 * @param slot the slot, or {@code null} when it does not exist
	 * @param server the server lode is connected to
	 * @return the gap (its action still to be chosen), or {@code null}
	 */
	static @Nullable StreamGap check(String slotName, @Nullable StreamRecord record, @Nullable SlotInfo slot,
			ServerIdentity server) {
		boolean otherServer = record != null && !record.systemId().equals(server.systemId());
		boolean promoted = record != null && !otherServer && record.timeline() != server.timeline();
		String where = otherServer
				? "lode streamed from server " + record.systemId() + " and is now connected to server "
						+ server.systemId() + " (another system identifier: an upgrade with pg_upgrade, a copy or a"
						+ " different server), and "
				: promoted ? "the server was promoted (timeline " + record.timeline() + " -> " + server.timeline()
						+ ") since lode last streamed, and " : "";
		if (slot != null && slot.invalidated()) {
			String why = (slot.invalidationReason() != null) ? slot.invalidationReason() : "wal_status lost";
			return gap(slotName, StreamGap.Reason.SLOT_INVALIDATED, where + "PostgreSQL invalidated replication slot '"
					+ slotName + "' (" + why + "): it removed WAL the slot still needed (max_slot_wal_keep_size) or the"
					+ " slot conflicted with recovery", record, promoted);
		}
		if (record == null) {
			return null;
		}
		if (slot == null) {
			String cause = promoted ? " (logical slots reach a promoted standby only as synchronised failover slots,"
					+ " PostgreSQL 17+)" : otherServer ? "" : " (it was dropped)";
			return gap(slotName, StreamGap.Reason.SLOT_MISSING,
					where + "replication slot '" + slotName + "' does not exist" + cause, record, promoted);
		}
		if (otherServer) {
			return gap(slotName, StreamGap.Reason.SERVER_CHANGED, where + "lode cannot tell whether replication slot '"
					+ slotName + "' there continues its stream", record, false);
		}
		if (slot.confirmedFlushLsn().isAfter(record.confirmLimit())) {
			return gap(slotName, StreamGap.Reason.SLOT_REPLACED, where + "replication slot '" + slotName
					+ "' is not the one lode streamed from: it confirms " + slot.confirmedFlushLsn()
					+ ", past the furthest position lode ever confirmed (" + record.confirmLimit()
					+ "), so it was created again or advanced by someone else", record, promoted);
		}
		return null;
	}

	private static StreamGap gap(String slot, StreamGap.Reason reason, String description, @Nullable StreamRecord record,
			boolean promoted) {
		return new StreamGap(slot, reason, description, (record != null) ? record.acknowledged() : null,
				(record != null) ? record.acknowledgedAt() : null, promoted, OnSlotLoss.FAIL, Instant.now());
	}

}
