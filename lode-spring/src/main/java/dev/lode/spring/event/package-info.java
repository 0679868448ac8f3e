/**
 * The application events lode publishes: changes and transactions for listeners, and the streaming lifecycle.
 */
@NullMarked
package dev.lode.spring.event;

import org.jspecify.annotations.NullMarked;
