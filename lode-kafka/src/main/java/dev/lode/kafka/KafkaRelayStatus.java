package dev.lode.kafka;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How the relay stands with its broker, as health and the endpoint show it: the records handed to the relay whose
 * broker acknowledgement has not come (waiting in the relay for the producer, or in the producer for the broker),
 * how long the oldest of them has waited, when the broker last acknowledged a record, how many connections the
 * producer holds to the brokers now, and the failure the relay is sending again after.
 *
 * @param unacknowledgedRecords records not acknowledged by the broker yet
 * @param oldestUnacknowledgedAgeMillis how long the oldest of them has waited, 0 when there is none
 * @param lastAcknowledgedAt when the broker last acknowledged a record of the relay, {@code null} before the first
 * @param brokerConnections the producer's connections to brokers now ({@code connection-count}), {@code null} before
 * the relay's producer exists
 * @param waitingFor the retriable failure the relay is sending again after (no metadata within
 * {@code max.block.ms}: the broker is unreachable; a full buffer), {@code null} when it is not
 * @since 0.4.0
 */
public record KafkaRelayStatus(int unacknowledgedRecords, long oldestUnacknowledgedAgeMillis,
		@Nullable Instant lastAcknowledgedAt, @Nullable Integer brokerConnections, @Nullable String waitingFor) {

	/**
	 * @param stallMillis how long a record may wait before the relay counts as stalled
	 * @return whether the oldest unacknowledged record waited at least that long
	 */
	public boolean stalledFor(long stallMillis) {
		return this.unacknowledgedRecords > 0 && this.oldestUnacknowledgedAgeMillis >= stallMillis;
	}

	/**
	 * @return whether the broker is reachable as far as the relay can tell: the producer holds a connection, or
	 * nothing waits for one; {@code null} before the relay's producer exists
	 */
	public @Nullable Boolean brokerReachable() {
		if (this.brokerConnections == null) {
			return null;
		}
		return this.brokerConnections > 0 || (this.unacknowledgedRecords == 0 && this.waitingFor == null);
	}

}
