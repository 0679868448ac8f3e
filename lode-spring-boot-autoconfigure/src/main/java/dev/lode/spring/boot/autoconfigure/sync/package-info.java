/**
 * Waiting for lode to catch up with the database, for tests.
 */
@NullMarked
package dev.lode.spring.boot.autoconfigure.sync;

import org.jspecify.annotations.NullMarked;
