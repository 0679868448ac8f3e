/**
 * lode's Spring-free core: change values, LSNs and the replication engine.
 */
@NullMarked
package dev.lode.core;

import org.jspecify.annotations.NullMarked;
