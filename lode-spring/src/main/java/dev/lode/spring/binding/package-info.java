/**
 * Binding of row values to the record and POJO parameters of lode listeners.
 */
@NullMarked
package dev.lode.spring.binding;

import org.jspecify.annotations.NullMarked;
