/**
 * The Kafka relay's runtime, on Spring Framework and spring-kafka alone (no Spring Boot): committed changes and outbox
 * events to Kafka topics, acknowledged to PostgreSQL only after Kafka has them, at least once ({@link
 * dev.lode.kafka.KafkaChangeRelay}) or exactly once ({@link dev.lode.kafka.KafkaChangeRelay#exactlyOnce}). Register
 * the relay as a bean (its {@code @OnWalChange} method is lode's listener) and as a {@code ReplicationObserver} of
 * lode's container; Spring Boot's {@code lode.relay.kafka.*} does both.
 *
 * @since 0.2.0 (in a module of its own since 0.4.0)
 */
@NullMarked
package dev.lode.kafka;

import org.jspecify.annotations.NullMarked;
