package dev.lode.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lode.core.WalChange;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.EventListenerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.Async;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Turns {@link OnWalChange} methods into {@link WalChangeListenerMethodAdapter}s, validating them
 * at startup (the pattern of Spring's {@code TransactionalEventListenerFactory}). Ordered before
 * Spring's default factory, which would otherwise treat the methods as plain event listeners.
 *
 * @since 0.1.0
 */
public class WalChangeListenerFactory implements EventListenerFactory, Ordered, ApplicationContextAware {

	/** The order of this factory: before {@code TransactionalEventListenerFactory} (50). */
	public static final int ORDER = 40;

	private final List<WalChangeListenerMethodAdapter> listeners = new CopyOnWriteArrayList<>();

	private ApplicationContext context;

	@Override
	public void setApplicationContext(ApplicationContext context) throws BeansException {
		this.context = context;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public boolean supportsMethod(Method method) {
		return AnnotatedElementUtils.hasAnnotation(method, OnWalChange.class);
	}

	@Override
	public ApplicationListener<?> createApplicationListener(String beanName, Class<?> type, Method method) {
		Method target = (!Proxy.isProxyClass(type)) ? AopUtils.getMostSpecificMethod(method, type) : method;
		OnWalChange annotation = AnnotatedElementUtils.findMergedAnnotation(target, OnWalChange.class);
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(method, OnWalChange.class);
		}
		if (annotation == null) {
			throw new IllegalStateException("No @OnWalChange on " + method);
		}
		WalChangeListenerMethodAdapter.ParameterKind parameter = validate(target, type);
		String id = StringUtils.hasText(annotation.id()) ? annotation.id()
				: ClassUtils.getUserClass(type).getSimpleName() + "." + method.getName();
		Order order = AnnotationUtils.findAnnotation(target, Order.class);
		WalChangeListenerMethodAdapter adapter = new WalChangeListenerMethodAdapter(this.context, beanName, method, id,
				(order != null) ? order.value() : 0, WalChangeFilter.of(annotation), parameter);
		this.listeners.add(adapter);
		return adapter;
	}

	private static WalChangeListenerMethodAdapter.ParameterKind validate(Method method, Class<?> type) {
		if (method.getReturnType() != void.class) {
			throw new InvalidListenerMethodException(method, "it returns " + method.getReturnType().getSimpleName()
					+ "; @OnWalChange methods must return void");
		}
		if (AnnotatedElementUtils.hasAnnotation(method, Async.class)
				|| AnnotatedElementUtils.hasAnnotation(ClassUtils.getUserClass(type), Async.class)) {
			throw new InvalidListenerMethodException(method, "it is @Async; lode acknowledges a change only after its"
					+ " listeners returned, so listeners must run synchronously (remove @Async and hand work off"
					+ " yourself if you accept losing it)");
		}
		Class<?>[] parameters = method.getParameterTypes();
		if (parameters.length == 0) {
			return WalChangeListenerMethodAdapter.ParameterKind.NONE;
		}
		if (parameters.length == 1 && parameters[0] == WalChange.class) {
			return WalChangeListenerMethodAdapter.ParameterKind.CHANGE;
		}
		if (parameters.length == 1 && parameters[0] == WalChangeEvent.class) {
			return WalChangeListenerMethodAdapter.ParameterKind.EVENT;
		}
		throw new InvalidListenerMethodException(method,
				"unsupported parameters; declare a single parameter of type WalChange (or none)");
	}

	/** @return the listeners created so far */
	public List<WalChangeListenerMethodAdapter> getListeners() {
		return List.copyOf(this.listeners);
	}

}
