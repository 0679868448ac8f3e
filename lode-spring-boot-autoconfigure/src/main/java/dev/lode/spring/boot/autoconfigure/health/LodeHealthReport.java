package dev.lode.spring.boot.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lode.core.replication.ReplicationSettings;
import dev.lode.core.replication.ReplicationSetupException;
import dev.lode.core.replication.StreamGap;
import dev.lode.core.snapshot.SnapshotCoordinator;
import dev.lode.core.snapshot.SnapshotProgress;
import dev.lode.spring.boot.autoconfigure.endpoint.InFlightDescriptor;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code lode} health indicator reports, computed without Spring Boot's health types (they
 * moved between Boot 3 and Boot 4, so each line has its own small {@code LodeHealthIndicator} around
 * this): UP while starting, streaming, reconnecting or standing by (the {@code state} detail says
 * which), DOWN after a failure (with the error and, for a setup problem, the action; never a password)
 * or when the slot is lost, OUT_OF_SERVICE when not started ({@code lode.auto-startup=false}) or
 * stopped. Details: state, reconnect count, slot, format, last received and acknowledged LSN, age of
 * the last change, the slot's retained WAL bytes and {@code wal_status}, last error.
 *
 * @param status the health status
 * @param details the details, in order
 * @since 0.1.0
 */
public record LodeHealthReport(Status status, Map<String, Object> details) {

	/** The health status, as Spring Boot's of the same names. */
	public enum Status {

		/** Streaming, or on the way to it. */
		UP,
		/** Failed, or the slot is gone or lost. */
		DOWN,
		/** Not streaming: not started, or stopped. */
		OUT_OF_SERVICE

	}

	/**
	 * @param container the replication container
	 * @param format the plugin and format (e.g. {@code wal2json v2}), or {@code null}
	 * @return the report as of now (reads the slot's status from the server once started)
	 */
	public static LodeHealthReport of(WalReplicationContainer container, @Nullable String format) {
		ReplicationState state = container.getState();
		Status status = switch (state) {
			// reconnecting and standing by are normal, passing states: the details say which
			// paused on request: healthy, and the state says so
			case STARTING, STREAMING, PAUSED, STANDBY, RECONNECTING -> Status.UP;
			// not started (lode.auto-startup=false) or stopped: not streaming
			case NEW, STOPPED -> Status.OUT_OF_SERVICE;
			case FAILED -> Status.DOWN;
		};
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", state.name());
		details.put("reconnects", container.getReconnectCount());
		ReplicationSettings settings = container.getSettings();
		if (settings != null) {
			details.put("slot", settings.slotName());
		}
		if (format != null) {
			details.put("format", format);
		}
		LodePositions positions = LodePositions.of(container);
		putIfKnown(details, "lastReceivedLsn", positions.received());
		putIfKnown(details, "lastAcknowledgedLsn", positions.acknowledged());
		putIfKnown(details, "acknowledgementLagBytes", container.getAcknowledgementLagBytes());
		InFlightDescriptor inFlight = InFlightDescriptor.of(container);
		details.put("transactionsInFlight", inFlight.transactions());
		if (inFlight.ordering() != null) { // lode's dispatcher, not a handler of the application's
			details.put("changesInFlight", inFlight.changes());
			if (!inFlight.laneQueueDepths().isEmpty()) {
				details.put("laneQueueDepths", inFlight.laneQueueDepths());
			}
		}
		SnapshotCoordinator snapshots = SnapshotCoordinator.of(container.getHandler());
		if (snapshots != null && !snapshots.running().isEmpty()) {
			details.put("snapshots", snapshots.running().stream().map(LodeHealthReport::snapshot).toList());
		}
		long lastChange = container.getLastTransactionMillis();
		if (lastChange > 0) {
			details.put("lastChangeAgeMillis", System.currentTimeMillis() - lastChange);
		}
		putIfKnown(details, "slotExists", Boolean.FALSE.equals(positions.slotExists()) ? false : null);
		putIfKnown(details, "retainedWalBytes", positions.retainedWalBytes());
		putIfKnown(details, "walStatus", positions.walStatus());
		putIfKnown(details, "slotStatusError", positions.slotStatusError());
		putIfKnown(details, "failoverSlot", positions.failoverSlot());
		putIfKnown(details, "synchronizedStandbySlots", positions.synchronizedStandbySlots());
		putIfKnown(details, "activeStandbySlots", positions.activeStandbySlots());
		putIfKnown(details, "standbySlot", positions.standbySlot());
		StreamGap gap = container.getLastGap();
		if (gap != null) {
			details.put("lastGap", gap(gap));
		}
		if (!positions.slotUsable()) {
			status = Status.DOWN;
		}
		Throwable error = container.getLastError();
		if (error != null) {
			details.put("error", Secrets.redact(error.getClass().getName() + ": " + error.getMessage()));
			if (error instanceof ReplicationSetupException setup) {
				details.put("action", Secrets.redact(setup.action()));
			}
		}
		return new LodeHealthReport(status, details);
	}

	/**
	 * @param gap a gap in the stream
	 * @return how health and the endpoint show it
	 */
	public static Map<String, Object> gap(StreamGap gap) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("reason", gap.reason().name());
		details.put("action", gap.action().name());
		details.put("detectedAt", gap.detectedAt().toString());
		putIfKnown(details, "lastAcknowledgedLsn", (gap.lastAcknowledged() != null) ? gap.lastAcknowledged().toString() : null);
		putIfKnown(details, "lastAcknowledgedAt", (gap.lastAcknowledgedAt() != null) ? gap.lastAcknowledgedAt().toString() : null);
		details.put("promoted", gap.promoted());
		details.put("message", Secrets.redact(gap.message()));
		return details;
	}

	private static Map<String, Object> snapshot(SnapshotProgress progress) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("id", progress.snapshotId());
		details.put("table", progress.table());
		details.put("rows", progress.rows());
		details.put("estimatedRows", progress.estimatedRows());
		details.put("rowsPerSecond", Math.round(progress.rowsPerSecond()));
		return details;
	}

	private static void putIfKnown(Map<String, Object> details, String name, @Nullable Object value) {
		if (value != null) {
			details.put(name, value);
		}
	}

	/**
	 * @param format the output format lode streams with
	 * @return how the health details name it
	 */
	public static String describe(dev.lode.core.decode.OutputFormat format) {
		return switch (format) {
			case WAL2JSON_V1 -> "wal2json v1";
			case WAL2JSON_V2 -> "wal2json v2";
			case PGOUTPUT -> "pgoutput";
		};
	}

}
