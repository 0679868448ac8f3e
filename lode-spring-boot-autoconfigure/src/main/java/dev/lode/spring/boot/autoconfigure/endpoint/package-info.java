/**
 * The {@code lode} Actuator endpoint.
 */
@NullMarked
package dev.lode.spring.boot.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
