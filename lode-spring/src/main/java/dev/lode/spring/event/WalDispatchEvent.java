package dev.lode.spring.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;
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

	private transient volatile @Nullable List<PendingListener> pending;

	private final String sourceName;

	/**
	 * An event of the default source.
	 * @param source the publisher
	 */
	protected WalDispatchEvent(Object source) {
		this(source, "default");
	}

	/**
	 * @param source the publisher
	 * @param sourceName the name of lode's source whose stream the event comes from ({@code default} for the one
	 * configured under {@code lode.*}); only that source's listeners receive it
	 * @since 0.4.0
	 */
	protected WalDispatchEvent(Object source, String sourceName) {
		super(source);
		this.sourceName = sourceName;
	}

	/**
	 * @return the name of lode's source whose stream the event comes from ({@code default} for the one configured
	 * under {@code lode.*})
	 * @since 0.4.0
	 */
	public String getSourceName() {
		return this.sourceName;
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

	/**
	 * Records that a listener returned a stage that completes when its work is done (lode's listener
	 * adapters call it); the change (or transaction) is complete only when the stage is.
	 * @param listenerId the listener's id
	 * @param completion the stage it returned
	 * @since 0.2.0
	 */
	public void pending(String listenerId, CompletionStage<?> completion) {
		pending(listenerId, completion, false);
	}

	/**
	 * Records that a listener returned a stage that completes when its work is done.
	 * @param listenerId the listener's id
	 * @param completion the stage it returned
	 * @param pipelined whether the listener keeps each row's order itself ({@code OnWalChange#pipelined()}): a row's
	 * next change need not wait for this stage
	 * @since 0.4.0
	 */
	public synchronized void pending(String listenerId, CompletionStage<?> completion, boolean pipelined) {
		List<PendingListener> list = this.pending;
		if (list == null) {
			list = new ArrayList<>(2);
			this.pending = list;
		}
		list.add(new PendingListener(listenerId, completion, pipelined));
	}

	/**
	 * @return the listeners that returned a stage, empty when all completed when they returned
	 * @since 0.2.0
	 */
	public synchronized List<PendingListener> getPending() {
		List<PendingListener> list = this.pending;
		return (list != null) ? List.copyOf(list) : List.of();
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

	/**
	 * A listener that returned a stage.
	 *
	 * @param listenerId the listener's id
	 * @param completion the stage
	 * @param pipelined whether the listener keeps each row's order itself, so a row's next change need not wait for
	 * the stage (since 0.4.0)
	 * @since 0.2.0
	 */
	public record PendingListener(String listenerId, CompletionStage<?> completion, boolean pipelined) {

		/**
		 * A stage whose row's next change waits for it.
		 * @param listenerId the listener's id
		 * @param completion the stage
		 */
		public PendingListener(String listenerId, CompletionStage<?> completion) {
			this(listenerId, completion, false);
		}

	}

}
