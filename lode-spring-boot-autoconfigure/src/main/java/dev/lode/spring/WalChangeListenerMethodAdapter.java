package dev.lode.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import dev.lode.core.WalChange;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

/**
 * Invokes one {@link OnWalChange} method for the {@link WalChangeEvent}s its filter accepts. Always
 * synchronous ({@link #supportsAsyncExecution()} is {@code false}), so an application event
 * multicaster with a task executor cannot make lode acknowledge a change whose listener has not
 * finished; failures are recorded on the event, so an {@code ErrorHandler} that swallows them cannot
 * make lode acknowledge a failed change.
 *
 * @since 0.1.0
 */
public class WalChangeListenerMethodAdapter implements GenericApplicationListener {

	private final ApplicationContext context;

	private final String beanName;

	private final Method method;

	private final String id;

	private final int order;

	private final WalChangeFilter filter;

	private final ParameterKind parameter;

	WalChangeListenerMethodAdapter(ApplicationContext context, String beanName, Method method, String id, int order,
			WalChangeFilter filter, ParameterKind parameter) {
		this.context = context;
		this.beanName = beanName;
		this.method = method;
		this.id = id;
		this.order = order;
		this.filter = filter;
		this.parameter = parameter;
		ReflectionUtils.makeAccessible(method);
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
		return this.id;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	/** @return which changes this listener receives */
	public WalChangeFilter getFilter() {
		return this.filter;
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (!(event instanceof WalChangeEvent walEvent) || !this.filter.matches(walEvent.getChange())) {
			return;
		}
		WalChange change = walEvent.getChange();
		walEvent.invoking();
		Object bean = this.context.getBean(this.beanName);
		Object[] args = switch (this.parameter) {
			case NONE -> new Object[0];
			case CHANGE -> new Object[] { change };
			case EVENT -> new Object[] { walEvent };
		};
		try {
			this.method.invoke(bean, args);
		}
		catch (InvocationTargetException ex) {
			fail(walEvent, change, ex.getTargetException());
		}
		catch (IllegalAccessException | IllegalArgumentException ex) {
			fail(walEvent, change, ex);
		}
	}

	private void fail(WalChangeEvent event, WalChange change, Throwable failure) {
		event.failed(this.id, failure);
		throw new ListenerFailedException(this.id, change, failure);
	}

	@Override
	public String toString() {
		return "@OnWalChange listener '" + this.id + "' " + this.filter;
	}

	/** What the method's parameter receives. */
	enum ParameterKind {

		NONE, CHANGE, EVENT

	}

}
