/**
 * The SmartLifecycle container that runs the replication loop: start, supervision, reconnect, standby, stop and status.
 */
@NullMarked
package dev.lode.spring.container;

import org.jspecify.annotations.NullMarked;
