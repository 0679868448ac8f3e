/**
 * Ahead-of-time processing support: the runtime hints of listener methods, of the types their rows are
 * bound to, and of lode's own reflection.
 */
@NullMarked
package dev.lode.spring.aot;

import org.jspecify.annotations.NullMarked;
