/**
 * What applications put in test scope (the artifact {@code dev.lode:lode-test}): {@link dev.lode.testing.LodeSync},
 * which waits until lode has caught up with the database, auto-configured on both Spring Boot lines.
 */
@NullMarked
package dev.lode.testing;

import org.jspecify.annotations.NullMarked;
