package dev.lode.spring.listener;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.event.WalChangeEvent;
import java.lang.reflect.Method;
import java.util.function.Supplier;

import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;

/**
 * Invokes one {@link OnWalChange} method for the {@link WalChangeEvent}s its filter and condition
 * accept. Always synchronous ({@link #supportsAsyncExecution()} is {@code false}), so an application
 * event multicaster with a task executor cannot make lode acknowledge a change whose listener has not
 * finished; failures are recorded on the event (not thrown, so the change still reaches the listeners
 * after a failed one), and an {@code ErrorHandler} that swallows them cannot make lode acknowledge a
 * failed change. Listeners of one change run in {@link #getOrder()} order
 * ({@code @Order} on the method, {@code Ordered.LOWEST_PRECEDENCE} without).
 *
 * @since 0.1.0
 */
public class WalChangeListenerMethodAdapter implements GenericApplicationListener {

	private final ListenerInvoker invoker;

	private final int order;

	private final WalChangeFilter filter;

	private final @Nullable ListenerCondition condition;

	private final ChangeListenerParameters parameters;

	private final String source;

	WalChangeListenerMethodAdapter(ListenerInvoker invoker, int order, String source, WalChangeFilter filter,
			@Nullable ListenerCondition condition, ChangeListenerParameters parameters) {
		this.invoker = invoker;
		this.source = source;
		this.order = order;
		this.filter = filter;
		this.condition = condition;
		this.parameters = parameters;
	}

	@Override
	public boolean supportsEventType(ResolvableType eventType) {
		return WalChangeEvent.class.isAssignableFrom(eventType.toClass());
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

	/** @return which changes this listener receives */
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
		if (!(event instanceof WalChangeEvent walEvent) || !this.source.equals(walEvent.getSourceName())
				|| !walEvent.isFor(this.invoker.id())
				|| !this.filter.matches(walEvent.getChange())) {
			return;
		}
		WalChange change = walEvent.getChange();
		Arguments arguments = new Arguments(walEvent);
		if (this.condition != null) {
			boolean matches;
			try {
				matches = this.condition.matches(change, arguments);
			}
			catch (RuntimeException ex) {
				this.invoker.fail(walEvent, ex);
				return;
			}
			if (!matches) {
				return;
			}
		}
		this.invoker.invoke(walEvent, arguments, change);
	}

	@Override
	public String toString() {
		return "@OnWalChange listener '" + this.invoker.id() + "' " + WalSources.describe(this.source) + this.filter
				+ ((this.condition != null) ? " if " + this.condition : "");
	}

	/** The arguments of one invocation, resolved once, when first needed (by the condition or the call). */
	private final class Arguments implements Supplier<@Nullable Object[]> {

		private final WalChangeEvent event;

		private @Nullable Object @Nullable [] resolved;

		Arguments(WalChangeEvent event) {
			this.event = event;
		}

		@Override
		public @Nullable Object[] get() {
			@Nullable Object[] args = this.resolved;
			if (args == null) {
				args = WalChangeListenerMethodAdapter.this.parameters.resolve(this.event);
				this.resolved = args;
			}
			return args;
		}

	}

}
