/**
 * The replication engine: slot management, the read-decode-dispatch-acknowledge loop.
 */
@NullMarked
package dev.lode.core.replication;

import org.jspecify.annotations.NullMarked;
