/**
 * Micrometer metrics for lode.
 */
@NullMarked
package dev.lode.spring.boot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
