package dev.lode.spring.boot.autoconfigure.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lode.core.Lsn;
import dev.lode.core.replication.ReplicationSettings;
import dev.lode.core.replication.SlotStatus;
import dev.lode.core.replication.StandbySlotStatus;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import org.jspecify.annotations.Nullable;

/**
 * Where lode stands in the WAL, as the {@code lode} health indicator and the {@code lode} endpoint
 * report it: the last position received and acknowledged, and what the server says about the slot
 * (read once per call, only after the container started). Every field is {@code null} when unknown.
 *
 * @param received the last position received from the server
 * @param acknowledged the last position acknowledged to the server
 * @param slotExists whether the slot exists on the server
 * @param retainedWalBytes WAL the slot keeps on the server (current WAL position minus its {@code restart_lsn})
 * @param confirmedLagBytes current WAL position minus the slot's {@code confirmed_flush_lsn}
 * @param walStatus the slot's {@code wal_status} ({@code reserved}, {@code extended}, {@code unreserved},
 * {@code lost})
 * @param slotStatusError why the slot's status could not be read (no password in it)
 * @param failoverSlot whether the slot is a failover slot (PostgreSQL 17+; {@code null} before or unknown)
 * @param synchronizedStandbySlots the server's {@code synchronized_standby_slots} (the standbys' physical slots
 * that logical decoding waits for), {@code null} when unset
 * @param activeStandbySlots how many of those have a standby connected now ({@code null} when unknown)
 * @param standbySlot whether the standby has the failover slot synchronised, where lode can see it (a multi-host
 * URL: lode asks the standby among its hosts, at most every 10 s): {@code synchronised}, {@code synchronising ...},
 * {@code not synchronised}, {@code missing}, or why no standby answered; {@code null} when lode cannot see a standby
 * @since 0.1.0
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LodePositions(@Nullable String received, @Nullable String acknowledged, @Nullable Boolean slotExists,
		@Nullable Long retainedWalBytes, @Nullable Long confirmedLagBytes, @Nullable String walStatus,
		@Nullable String slotStatusError, @Nullable Boolean failoverSlot, @Nullable String synchronizedStandbySlots,
		@Nullable Long activeStandbySlots, @Nullable String standbySlot) {

	private static final long STANDBY_CHECK_MILLIS = 10_000;

	/** The last answer of the standby, per URL and slot (health checks come often, the standby is asked seldom). */
	private static final java.util.Map<String, Checked> standby = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * @param container the replication container
	 * @return the positions as of now (asks the server about the slot once the container started)
	 */
	public static LodePositions of(WalReplicationContainer container) {
		String received = text(container.getLastReceivedLsn());
		String acknowledged = text(container.getLastAcknowledgedLsn());
		ReplicationSettings settings = container.getSettings();
		if (settings == null || container.getState() == ReplicationState.NEW) {
			return new LodePositions(received, acknowledged, null, null, null, null, null, null, null, null, null);
		}
		try {
			SlotStatus slot = SlotStatus.read(settings);
			if (!slot.exists()) {
				return new LodePositions(received, acknowledged, false, null, null, null, null, null, null, null,
						null);
			}
			return new LodePositions(received, acknowledged, true, slot.retainedWalBytes(), slot.confirmedLagBytes(),
					slot.walStatus(), null, slot.failover(), slot.standbySlots(),
					(slot.standbySlots() != null) ? slot.activeStandbySlots() : null,
					Boolean.TRUE.equals(slot.failover()) ? standbySlot(settings) : null);
		}
		catch (Exception ex) {
			return new LodePositions(received, acknowledged, null, null, null, null,
					Secrets.redact(String.valueOf(ex.getMessage())), null, null, null, null);
		}
	}

	private static @Nullable String standbySlot(ReplicationSettings settings) {
		String key = settings.url() + " " + settings.slotName();
		Checked last = standby.get(key);
		long now = System.currentTimeMillis();
		if (last != null && now - last.at() < STANDBY_CHECK_MILLIS) {
			return last.answer();
		}
		String answer;
		try {
			StandbySlotStatus status = StandbySlotStatus.read(settings);
			answer = (status != null) ? status.describe() : null;
		}
		catch (Exception ex) {
			answer = "no standby answered: " + Secrets.redact(String.valueOf(ex.getMessage()));
		}
		standby.put(key, new Checked(now, answer));
		return answer;
	}

	private record Checked(long at, @Nullable String answer) {

	}

	/** @return whether the slot is usable: not known to be missing or lost */
	public boolean slotUsable() {
		return !Boolean.FALSE.equals(this.slotExists) && !"lost".equals(this.walStatus);
	}

	private static @Nullable String text(@Nullable Lsn lsn) {
		return (lsn != null) ? lsn.toString() : null;
	}

}
