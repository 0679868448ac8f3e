package dev.lode.spring.boot.autoconfigure.relay;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lode.kafka.KafkaRelayStatus;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthReport;

/**
 * What the {@code lodeKafkaRelay} health indicator reports, without Spring Boot's health types (each Boot line has
 * its own small indicator around this): {@code DOWN} once the oldest record the broker has not acknowledged waited
 * {@code lode.relay.kafka.stall-timeout} or longer, else {@code UP}; the details show the stall as it happens, from
 * the first probe on: whether the broker is reachable (the producer's connections), the records waiting, the age of
 * the oldest, the last acknowledgement, and the failure the relay is sending again after.
 *
 * <p>{@code DOWN} rather than {@code OUT_OF_SERVICE}: the relay was not taken out of service, it cannot do its work,
 * and WAL accumulates on the database server meanwhile, which is what alerts on {@code DOWN} are for. Kubernetes'
 * liveness and readiness groups do not include it (Boot's probes use their own states), so a broker outage does
 * not restart the application, which would not help.
 *
 * @since 0.4.0
 */
public final class KafkaRelayHealth {

	private KafkaRelayHealth() {
	}

	/**
	 * @param status the relay's status
	 * @param stallTimeout how long a record may wait for the broker before the relay is {@code DOWN}
	 * @return the report
	 */
	public static LodeHealthReport report(KafkaRelayStatus status, Duration stallTimeout) {
		boolean stalled = status.stalledFor(stallTimeout.toMillis());
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("stalled", stalled);
		putIfKnown(details, "brokerReachable", status.brokerReachable());
		putIfKnown(details, "brokerConnections", status.brokerConnections());
		details.put("unacknowledgedRecords", status.unacknowledgedRecords());
		details.put("oldestUnacknowledgedAgeMillis", status.oldestUnacknowledgedAgeMillis());
		putIfKnown(details, "lastAcknowledgedAt",
				(status.lastAcknowledgedAt() != null) ? status.lastAcknowledgedAt().toString() : null);
		putIfKnown(details, "waitingFor", status.waitingFor());
		details.put("stallTimeoutMillis", stallTimeout.toMillis());
		return new LodeHealthReport(stalled ? LodeHealthReport.Status.DOWN : LodeHealthReport.Status.UP, details);
	}

	private static void putIfKnown(Map<String, Object> details, String name, @org.jspecify.annotations.Nullable Object value) {
		if (value != null) {
			details.put(name, value);
		}
	}

}
