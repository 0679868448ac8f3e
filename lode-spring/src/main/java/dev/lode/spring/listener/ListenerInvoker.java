package dev.lode.spring.listener;

import dev.lode.spring.event.WalDispatchEvent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;

import dev.lode.core.WalChange;
import dev.lode.spring.event.WalChangeEvent;
import dev.lode.spring.event.WalTransactionEvent;
import dev.lode.spring.observation.WalListenerObservationContext;
import dev.lode.spring.observation.WalListenerObservations;
import io.micrometer.observation.Observation;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ReflectionUtils;

/**
 * Invokes one listener method on its bean: times it (argument binding included) for the
 * {@link WalListenerObserver}, and records any failure on the event instead of throwing it, so that
 * the listeners after it still receive the event and a multicaster {@code ErrorHandler} cannot hide it;
 * the dispatcher throws after the event went to every listener.
 *
 * @since 0.1.0
 */
final class ListenerInvoker {

	private static final Logger logger = LoggerFactory.getLogger(ListenerInvoker.class);

	private final ApplicationContext context;

	private final String beanName;

	private final Method method;

	private final String id;

	private final WalListenerObserver observer;

	/** Observations of each call, or {@code null} when off (then nothing is spent on them). */
	private final @Nullable WalListenerObservations observations;

	/** Whether the method keeps each row's order itself ({@code @OnWalChange(pipelined = true)}). */
	private final boolean pipelined;

	/** The target bean once resolved, if it is a singleton (so is the same instance for every call). */
	private volatile @Nullable Object singleton;

	ListenerInvoker(ApplicationContext context, String beanName, Method method, String id,
			WalListenerObserver observer, @Nullable WalListenerObservations observations) {
		this.context = context;
		this.beanName = beanName;
		this.method = method;
		this.id = id;
		this.observer = observer;
		this.observations = observations;
		ReflectionUtils.makeAccessible(method);
		dev.lode.spring.annotation.OnWalChange onChange = org.springframework.core.annotation.AnnotatedElementUtils
			.findMergedAnnotation(method, dev.lode.spring.annotation.OnWalChange.class);
		this.pipelined = onChange != null && onChange.pipelined();
	}

	String id() {
		return this.id;
	}

	String beanName() {
		return this.beanName;
	}

	Method method() {
		return this.method;
	}

	/**
	 * @param event the event, where a failure is recorded
	 * @param arguments resolves the arguments (may throw: a binding failure is a listener failure)
	 * @param failure makes the exception that describes a failure
	 * @param what describes the invocation for TRACE logging, never row values
	 */
	void invoke(WalDispatchEvent event, Supplier<@Nullable Object[]> arguments, Object what) {
		event.invoking();
		if (logger.isTraceEnabled()) {
			logger.trace("Listener '{}' <- {}", this.id, what);
		}
		Observation observation = (this.observations != null) ? this.observations.start(context(event)) : null;
		long start = System.nanoTime();
		Throwable thrown = null;
		try (Observation.Scope scope = (observation != null) ? observation.openScope() : null) {
			Object result = this.method.invoke(bean(), arguments.get());
			if (result instanceof CompletionStage<?> stage) {
				// complete when the stage is: timed, observed and reported then
				event.pending(this.id, stage.whenComplete((value, failure) -> {
					this.observer.listenerCompleted(this.id, System.nanoTime() - start, failure == null);
					stop(observation, failure);
				}), this.pipelined);
				return;
			}
		}
		catch (InvocationTargetException ex) {
			thrown = ex.getTargetException();
		}
		catch (IllegalAccessException | RuntimeException ex) {
			thrown = ex;
		}
		this.observer.listenerCompleted(this.id, System.nanoTime() - start, thrown == null);
		stop(observation, thrown);
		if (thrown != null) {
			fail(event, thrown);
		}
	}

	private WalListenerObservationContext context(WalDispatchEvent event) {
		if (event instanceof WalChangeEvent changeEvent) {
			WalChange change = changeEvent.getChange();
			return new WalListenerObservationContext(this.id, change, change.transaction());
		}
		return new WalListenerObservationContext(this.id, null, ((WalTransactionEvent) event).getTransaction());
	}

	private static void stop(@Nullable Observation observation, @Nullable Throwable failure) {
		if (observation != null) {
			if (failure != null) {
				observation.error(failure);
			}
			observation.stop();
		}
	}

	/**
	 * @return the target bean: looked up on every call, as Spring's own listener adapters do, unless it is a
	 * singleton, which is looked up once (the lookup was 5% of the replication thread's time)
	 */
	private Object bean() {
		Object bean = this.singleton;
		if (bean == null) {
			bean = this.context.getBean(this.beanName);
			if (this.context.isSingleton(this.beanName)) {
				this.singleton = bean;
			}
		}
		return bean;
	}

	/**
	 * Records a failure (also one outside the invocation: a condition that could not be evaluated).
	 * @param event the event
	 * @param thrown what went wrong
	 */
	void fail(WalDispatchEvent event, Throwable thrown) {
		logger.debug("Listener '{}' failed", this.id, thrown);
		event.failed(this.id, thrown);
	}

}
