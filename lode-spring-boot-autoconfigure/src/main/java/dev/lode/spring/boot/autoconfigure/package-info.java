/**
 * Spring Boot auto-configuration for lode.
 */
@NullMarked
package dev.lode.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
