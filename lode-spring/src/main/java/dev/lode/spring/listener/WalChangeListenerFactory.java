package dev.lode.spring.listener;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import dev.lode.spring.binding.RowBinder;
import dev.lode.spring.observation.WalListenerObservations;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.EventListenerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.Order;
import org.springframework.expression.ParseException;
import org.springframework.scheduling.annotation.Async;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Turns {@link OnWalChange} and {@link OnWalTransaction} methods into
 * {@link WalChangeListenerMethodAdapter}s and {@link WalTransactionListenerMethodAdapter}s,
 * validating them at startup (the pattern of Spring's {@code TransactionalEventListenerFactory}):
 * return type, {@code @Async}, parameters and condition. Ordered before Spring's default factory,
 * which would otherwise treat the methods as plain event listeners.
 *
 * <p>Record and POJO parameters are bound with a copy of the context's {@code ObjectMapper} (or of a
 * default one when the context has none), created only when some listener declares such a parameter.
 * Listeners report to every {@link WalListenerObserver} bean of the context.
 *
 * @since 0.1.0
 */
public class WalChangeListenerFactory implements EventListenerFactory, Ordered, ApplicationContextAware {

	/** The order of this factory: before {@code TransactionalEventListenerFactory} (50). */
	public static final int ORDER = 40;

	private static final Logger logger = LoggerFactory.getLogger(WalChangeListenerFactory.class);


	private final List<WalChangeListenerMethodAdapter> listeners = new CopyOnWriteArrayList<>();

	private final List<WalTransactionListenerMethodAdapter> transactionListeners = new CopyOnWriteArrayList<>();

	private final Set<String> ids = ConcurrentHashMap.newKeySet();

	private @Nullable ApplicationContext context;

	private volatile @Nullable RowBinders rowBinders;

	private volatile @Nullable List<WalListenerObserver> observers;

	private volatile Set<String> sources = Set.of(WalSources.DEFAULT);

	/**
	 * Names the sources listeners may choose ({@code @OnWalChange(source = ...)}); a listener that names another
	 * fails startup. Without this call only the default source exists.
	 * @param names the names of the sources besides the default ({@value WalSources#DEFAULT})
	 * @since 0.4.0
	 */
	public void setSourceNames(java.util.Collection<String> names) {
		this.sources = java.util.Collections.unmodifiableSet(WalSources.withDefault(names));
	}

	/**
	 * @return the sources listeners may choose, the default ({@value WalSources#DEFAULT}) included
	 * @since 0.4.0
	 */
	public Set<String> getSourceNames() {
		return this.sources;
	}

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
		return AnnotatedElementUtils.hasAnnotation(method, OnWalChange.class)
				|| AnnotatedElementUtils.hasAnnotation(method, OnWalTransaction.class);
	}

	@Override
	public ApplicationListener<?> createApplicationListener(String beanName, Class<?> type, Method method) {
		Method target = (!Proxy.isProxyClass(type)) ? AopUtils.getMostSpecificMethod(method, type) : method;
		OnWalChange onChange = find(target, method, OnWalChange.class);
		OnWalTransaction onTransaction = find(target, method, OnWalTransaction.class);
		if (onChange != null && onTransaction != null) {
			throw new InvalidListenerMethodException(target, "it is annotated both @OnWalChange and"
					+ " @OnWalTransaction", "Split it into two methods, one per annotation");
		}
		ApplicationContext context = requireContext();
		if (onChange != null) {
			validate(OnWalChange.class, target, type);
			String source = source(OnWalChange.class, onChange.source(), target);
			String id = id(onChange.id(), type, method);
			ChangeListenerParameters parameters = ChangeListenerParameters.of(target, rowBinders(context));
			WalChangeListenerMethodAdapter adapter = new WalChangeListenerMethodAdapter(
					invoker(context, beanName, method, id, source), order(target), source, WalChangeFilter.of(onChange),
					condition(OnWalChange.class, onChange.condition(), target, context), parameters);
			this.listeners.add(adapter);
			logger.debug("Registered {}", adapter);
			return adapter;
		}
		if (onTransaction != null) {
			validate(OnWalTransaction.class, target, type);
			String source = source(OnWalTransaction.class, onTransaction.source(), target);
			String id = id(onTransaction.id(), type, method);
			WalTransactionListenerMethodAdapter adapter = new WalTransactionListenerMethodAdapter(
					invoker(context, beanName, method, id, source), order(target), source,
					WalChangeFilter.of(onTransaction),
					condition(OnWalTransaction.class, onTransaction.condition(), target, context),
					TransactionListenerParameters.of(target));
			this.transactionListeners.add(adapter);
			logger.debug("Registered {}", adapter);
			return adapter;
		}
		throw new IllegalStateException("No @OnWalChange or @OnWalTransaction on " + method);
	}

	private static <A extends Annotation> @Nullable A find(Method target, Method method, Class<A> type) {
		A annotation = AnnotatedElementUtils.findMergedAnnotation(target, type);
		return (annotation != null) ? annotation : AnnotatedElementUtils.findMergedAnnotation(method, type);
	}

	private static void validate(Class<? extends Annotation> annotation, Method method, Class<?> type) {
		String name = "@" + annotation.getSimpleName();
		if (method.getReturnType() != void.class
				&& !java.util.concurrent.CompletionStage.class.isAssignableFrom(method.getReturnType())) {
			throw new InvalidListenerMethodException(annotation, method, "it returns "
					+ method.getReturnType().getSimpleName() + ", but " + name + " methods return void, or a"
					+ " CompletionStage when they complete asynchronously",
					"Make it return void, or a CompletionStage/CompletableFuture that completes when the work is done"
							+ " (the change is acknowledged only then)");
		}
		if (AnnotatedElementUtils.hasAnnotation(method, Async.class)
				|| AnnotatedElementUtils.hasAnnotation(ClassUtils.getUserClass(type), Async.class)) {
			throw new InvalidListenerMethodException(annotation, method, "it is @Async; lode acknowledges a change"
					+ " only after its listeners returned, so listeners must run synchronously or return a"
					+ " CompletionStage that says when they are done",
					"Remove @Async (from the method or its class); to work asynchronously, return a CompletionStage"
							+ " (for example KafkaTemplate.send(...)), or set lode.listener.concurrency for parallel lanes");
		}
	}

	private String source(Class<? extends Annotation> annotation, String declared, Method method) {
		String source = WalSources.of(declared);
		Set<String> known = this.sources;
		if (!known.contains(source)) {
			throw new InvalidListenerMethodException(annotation, method, "it names the source '" + source
					+ "', but lode's sources are " + known, "Name one of " + known + " (or none, for the default: lode.*),"
							+ " or configure the source under lode.sources." + source + ".*");
		}
		return source;
	}

	private String id(String declared, Class<?> type, Method method) {
		String id = StringUtils.hasText(declared) ? declared
				: ClassUtils.getUserClass(type).getSimpleName() + "." + method.getName();
		if (!this.ids.add(id)) {
			logger.warn("Several lode listeners have the id '{}'; their logs, errors and metrics cannot be told apart"
					+ " (set a distinct id on the annotation)", id);
		}
		return id;
	}

	private static int order(Method method) {
		Order order = AnnotatedElementUtils.findMergedAnnotation(method, Order.class);
		return (order != null) ? order.value() : Ordered.LOWEST_PRECEDENCE;
	}

	private static @Nullable ListenerCondition condition(Class<? extends Annotation> annotation, String text,
			Method method, ApplicationContext context) {
		try {
			return ListenerCondition.parse(text, method, context.getAutowireCapableBeanFactory());
		}
		catch (ParseException ex) {
			throw new InvalidListenerMethodException(annotation, method, "its condition \"" + text
					+ "\" is not a valid SpEL expression: " + ex.getMessage(),
					"Fix the condition: a SpEL expression on the change, such as \"changed('status')\" or"
							+ " \"row['amount'] > 100\"");
		}
	}

	private ListenerInvoker invoker(ApplicationContext context, String beanName, Method method, String id,
			String source) {
		return new ListenerInvoker(context, beanName, method, id, observer(context, source),
				context.getBeanProvider(WalListenerObservations.class).getIfAvailable());
	}

	private WalListenerObserver observer(ApplicationContext context, String source) {
		List<WalListenerObserver> result = this.observers;
		if (result == null) {
			result = context.getBeanProvider(WalListenerObserver.class).orderedStream().toList();
			this.observers = result;
		}
		return WalListenerObserver.of(result, source);
	}

	/** @return creates row binders on demand; {@code null} when Jackson is not on the class path */
	private @Nullable Function<Class<?>, RowBinder> rowBinders(ApplicationContext context) {
		if (!RowBinders.available(context.getClassLoader())) {
			return null;
		}
		return (type) -> {
			RowBinders binders = this.rowBinders;
			if (binders == null) {
				binders = new RowBinders(context);
				this.rowBinders = binders;
			}
			return binders.forType(type);
		};
	}

	private ApplicationContext requireContext() {
		ApplicationContext context = this.context;
		if (context == null) {
			throw new IllegalStateException("WalChangeListenerFactory needs an ApplicationContext");
		}
		return context;
	}

	/** @return the {@link OnWalChange} listeners created so far */
	public List<WalChangeListenerMethodAdapter> getListeners() {
		return List.copyOf(this.listeners);
	}

	/**
	 * @return the filters of all listeners created so far, {@link OnWalChange} and
	 * {@link OnWalTransaction}: the tables and kinds lode must stream
	 */
	public List<WalChangeFilter> getFilters() {
		List<WalChangeFilter> filters = new ArrayList<>();
		this.listeners.forEach((listener) -> filters.add(listener.getFilter()));
		this.transactionListeners.forEach((listener) -> filters.add(listener.getFilter()));
		return filters;
	}

	/** @return the {@link OnWalTransaction} listeners created so far */
	public List<WalTransactionListenerMethodAdapter> getTransactionListeners() {
		return List.copyOf(this.transactionListeners);
	}

}
