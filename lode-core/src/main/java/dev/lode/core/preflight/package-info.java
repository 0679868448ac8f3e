/**
 * Checks of the database that run before streaming starts.
 */
@NullMarked
package dev.lode.core.preflight;

import org.jspecify.annotations.NullMarked;
