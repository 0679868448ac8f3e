/**
 * Snapshots: rows read from the tables while streaming goes on, chunk by chunk between watermarks written
 * into the WAL (the DBLog method), delivered as {@link dev.lode.core.ChangeKind#SNAPSHOT} changes.
 */
@NullMarked
package dev.lode.core.snapshot;

import org.jspecify.annotations.NullMarked;
