package dev.lode.spring.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * The application event lode publishes for each {@link WalChange}, received by {@link OnWalChange}
 * methods (and collected for {@link OnWalTransaction} methods).
 *
 * @since 0.1.0
 */
public class WalChangeEvent extends WalDispatchEvent {

	private static final long serialVersionUID = 1L;

	private final transient WalChange change;

	private transient @Nullable List<Object> collectors;

	private final transient @Nullable Set<String> listenerIds;

	/**
	 * @param source the publisher
	 * @param change the change
	 */
	public WalChangeEvent(Object source, WalChange change) {
		this(source, change, null);
	}

	/**
	 * An event for some listeners only: a redelivery to those that failed.
	 * @param source the publisher
	 * @param change the change
	 * @param listenerIds the listeners it is for, {@code null} for all
	 */
	public WalChangeEvent(Object source, WalChange change, @Nullable Set<String> listenerIds) {
		this(source, "default", change, listenerIds);
	}

	/**
	 * An event of one of lode's sources, for some listeners only (or all).
	 * @param source the publisher
	 * @param sourceName the name of lode's source the change comes from
	 * @param change the change
	 * @param listenerIds the listeners it is for, {@code null} for all of the source
	 * @since 0.4.0
	 */
	public WalChangeEvent(Object source, String sourceName, WalChange change, @Nullable Set<String> listenerIds) {
		super(source, sourceName);
		this.change = change;
		this.listenerIds = listenerIds;
	}

	/**
	 * @param listenerId a listener's id
	 * @return whether the event is for that listener: every listener, unless it redelivers the change to
	 * those that failed on it
	 */
	public boolean isFor(String listenerId) {
		return this.listenerIds == null || this.listenerIds.contains(listenerId);
	}

	/** @return the change */
	public WalChange getChange() {
		return this.change;
	}

	/**
	 * Records that a transaction-level listener wants the change; the dispatcher adds it to that
	 * listener's changes only if every listener of the change returned normally, so a change that is
	 * redelivered after a failure is collected once.
	 * @param listener the transaction-level listener
	 */
	public synchronized void collectFor(Object listener) {
		List<Object> list = this.collectors;
		if (list == null) {
			list = new ArrayList<>(2);
			this.collectors = list;
		}
		list.add(listener);
	}

	/** @return the transaction-level listeners that want the change */
	public synchronized List<Object> getCollectors() {
		return (this.collectors != null) ? List.copyOf(this.collectors) : List.of();
	}

}
