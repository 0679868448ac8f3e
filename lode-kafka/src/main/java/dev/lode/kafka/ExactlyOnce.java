package dev.lode.kafka;

/**
 * The settings of the exactly-once relay: the producer's {@code transactional.id} (the same for every process that
 * streams the slot, so a new one fences what an old one left open) and the compacted topic that holds the position
 * Kafka has, keyed by the slot.
 *
 * @param transactionalId the relay producer's {@code transactional.id}
 * @param positionTopic the position topic (created, compacted, with one partition, when missing)
 * @param slot the slot (the position's key)
 * @since 0.4.0
 */
public record ExactlyOnce(String transactionalId, String positionTopic, String slot) {

	/**
	 * @param slot the slot
	 * @return the defaults: {@code transactional.id} {@code lode-relay-<slot>}, position topic
	 * {@code lode.relay.positions}
	 */
	public static ExactlyOnce defaults(String slot) {
		return new ExactlyOnce("lode-relay-" + slot, "lode.relay.positions", slot);
	}

}
