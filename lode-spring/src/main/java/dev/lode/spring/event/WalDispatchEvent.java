package dev.lode.spring.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.springframework.context.ApplicationEvent;

/**
 * An event that lode dispatches to its listeners and whose outcome decides the acknowledgement.
 * Listener adapters record their failures on the event, so a failure is seen even when an application
 * event multicaster's {@code ErrorHandler} swallows it.
 *
 * @since 0.1.0
 */
public abstract class WalDispatchEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient List<ListenerFailure> failures = Collections.synchronizedList(new ArrayList<>(0));

	private volatile int invocations;

	/**
	 * @param source the publisher
	 */
	protected WalDispatchEvent(Object source) {
		super(source);
	}

	/**
	 * Records that a listener is about to be invoked (lode's listener adapters call it).
	 */
	public void invoking() {
		this.invocations++;
	}

	/**
	 * Records that a listener failed (lode's listener adapters call it).
	 * @param listenerId the listener's id
	 * @param failure what it threw
	 */
	public void failed(String listenerId, Throwable failure) {
		this.failures.add(new ListenerFailure(listenerId, failure));
	}

	/** @return how many listeners were invoked */
	public int getInvocations() {
		return this.invocations;
	}

	/** @return the failures of listeners, empty when all returned normally */
	public List<ListenerFailure> getFailures() {
		return List.copyOf(this.failures);
	}

	/**
	 * A listener that threw.
	 *
	 * @param listenerId the listener's id
	 * @param failure what it threw
	 */
	public record ListenerFailure(String listenerId, Throwable failure) {

	}

}
