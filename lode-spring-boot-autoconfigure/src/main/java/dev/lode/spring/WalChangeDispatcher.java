package dev.lode.spring;

import java.util.List;

import dev.lode.core.WalChange;
import dev.lode.core.replication.ChangeHandler;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes each change as a {@link WalChangeEvent} through the {@link ApplicationEventPublisher}
 * and throws when any listener failed, even when a multicaster's {@code ErrorHandler} swallowed the
 * failure: the replication loop then acknowledges nothing of the transaction.
 *
 * @since 0.1.0
 */
public class WalChangeDispatcher implements ChangeHandler {

	private final ApplicationEventPublisher publisher;

	/**
	 * @param publisher the context's publisher
	 */
	public WalChangeDispatcher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void change(WalChange change) {
		WalChangeEvent event = new WalChangeEvent(this, change);
		this.publisher.publishEvent(event);
		List<WalChangeEvent.ListenerFailure> failures = event.getFailures();
		if (!failures.isEmpty()) {
			WalChangeEvent.ListenerFailure first = failures.get(0);
			throw new ListenerFailedException(first.listenerId(), change, first.failure());
		}
	}

}
