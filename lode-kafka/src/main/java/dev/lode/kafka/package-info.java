/**
 * The Kafka relay: committed changes and outbox events to Kafka topics, acknowledged to PostgreSQL only after
 * the broker acknowledged them ({@code lode.relay.kafka.enabled=true}, needs spring-kafka).
 *
 * @since 0.2.0
 */
@NullMarked
package dev.lode.kafka;

import org.jspecify.annotations.NullMarked;
