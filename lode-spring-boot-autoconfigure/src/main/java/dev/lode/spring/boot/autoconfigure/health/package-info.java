/**
 * Actuator health for lode.
 */
@NullMarked
package dev.lode.spring.boot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
