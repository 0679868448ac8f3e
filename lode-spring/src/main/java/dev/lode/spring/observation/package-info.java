/**
 * Micrometer {@code Observation}s of listener calls: one per call, so that tracing shows a span per change.
 */
@NullMarked
package dev.lode.spring.observation;

import org.jspecify.annotations.NullMarked;
