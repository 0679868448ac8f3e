/**
 * Decoders of logical decoding output plugin formats.
 */
@NullMarked
package dev.lode.core.decode;

import org.jspecify.annotations.NullMarked;
