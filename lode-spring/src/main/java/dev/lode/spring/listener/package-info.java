/**
 * Listener methods: the factory that finds them, their adapters, parameters and conditions, the dispatcher that publishes changes through the ApplicationEventPublisher, and error handling.
 */
@NullMarked
package dev.lode.spring.listener;

import org.jspecify.annotations.NullMarked;
