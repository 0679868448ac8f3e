package dev.lode.spring.listener;

import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.event.WalChangeEvent;
import dev.lode.spring.event.WalDispatchEvent;
import dev.lode.spring.event.WalTransactionEvent;
import java.lang.reflect.Method;
import java.util.List;

import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;

/**
 * Invokes one {@link OnWalTransaction} method: marks the {@link WalChangeEvent}s of a transaction
 * that its filter and condition accept (the dispatcher keeps those whose listeners all returned), and
 * at the transaction's {@link WalTransactionEvent} calls the method with them (when there is at least
 * one). Synchronous, and records failures on the event, like {@link WalChangeListenerMethodAdapter}.
 *
 * @since 0.1.0
 */
public class WalTransactionListenerMethodAdapter implements GenericApplicationListener {

	private final ListenerInvoker invoker;

	private final int order;

	private final WalChangeFilter filter;

	private final @Nullable ListenerCondition condition;

	private final TransactionListenerParameters parameters;

	private final String source;

	WalTransactionListenerMethodAdapter(ListenerInvoker invoker, int order, String source, WalChangeFilter filter,
			@Nullable ListenerCondition condition, TransactionListenerParameters parameters) {
		this.invoker = invoker;
		this.source = source;
		this.order = order;
		this.filter = filter;
		this.condition = condition;
		this.parameters = parameters;
	}

	@Override
	public boolean supportsEventType(ResolvableType eventType) {
		Class<?> type = eventType.toClass();
		return WalChangeEvent.class.isAssignableFrom(type) || WalTransactionEvent.class.isAssignableFrom(type);
	}

	@Override
	public boolean supportsAsyncExecution() {
		return false;
	}

	@Override
	public String getListenerId() {
		return this.invoker.id();
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	/**
	 * @return the name of the source whose changes this listener receives ({@code default} for {@code lode.*})
	 * @since 0.4.0
	 */
	public String getSourceName() {
		return this.source;
	}

	/** @return which changes this listener collects */
	public WalChangeFilter getFilter() {
		return this.filter;
	}

	/**
	 * @return the SpEL condition as declared, or {@code null} when the listener has none
	 * @since 0.1.0
	 */
	public @Nullable String getCondition() {
		return (this.condition != null) ? this.condition.toString() : null;
	}

	/**
	 * @return the name of the bean whose method this listener calls
	 * @since 0.1.0
	 */
	public String getBeanName() {
		return this.invoker.beanName();
	}

	/**
	 * @return the listener method
	 * @since 0.1.0
	 */
	public Method getMethod() {
		return this.invoker.method();
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof WalDispatchEvent dispatchEvent && !this.source.equals(dispatchEvent.getSourceName())) {
			return; // another source's
		}
		if (event instanceof WalChangeEvent changeEvent) {
			collect(changeEvent);
		}
		else if (event instanceof WalTransactionEvent transactionEvent) {
			List<WalChange> changes = transactionEvent.collected(this);
			if (!changes.isEmpty()) {
				this.invoker.invoke(transactionEvent, () -> this.parameters.resolve(transactionEvent, changes),
						transactionEvent.getTransaction());
			}
		}
	}

	private void collect(WalChangeEvent event) {
		WalChange change = event.getChange();
		if (!event.isFor(this.invoker.id()) || !this.filter.matches(change)) {
			return;
		}
		if (this.condition != null) {
			boolean matches;
			try {
				matches = this.condition.matches(change, null);
			}
			catch (RuntimeException ex) {
				this.invoker.fail(event, ex);
				return;
			}
			if (!matches) {
				return;
			}
		}
		event.collectFor(this);
	}

	@Override
	public String toString() {
		return "@OnWalTransaction listener '" + this.invoker.id() + "' " + WalSources.describe(this.source)
				+ this.filter
				+ ((this.condition != null) ? " if " + this.condition : "");
	}

}
