/**
 * Spring integration of lode: the {@link dev.lode.spring.annotation.OnWalChange} annotation, its listener
 * factory, the dispatcher and the replication container.
 */
@NullMarked
package dev.lode.spring;

import org.jspecify.annotations.NullMarked;
