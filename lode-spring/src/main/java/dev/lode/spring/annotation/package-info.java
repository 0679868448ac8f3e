/**
 * The annotations that make a method a lode listener.
 */
@NullMarked
package dev.lode.spring.annotation;

import org.jspecify.annotations.NullMarked;
