package dev.lode.spring.listener;

import java.util.function.Function;

import dev.lode.spring.binding.Jackson3RowBinders;
import dev.lode.spring.binding.JacksonRowBinders;
import dev.lode.spring.binding.RowBinder;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Creates the row binders of the listeners of one context with one shared mapper, a copy of the
 * application's: its Jackson 3 {@code JsonMapper} bean (Spring Boot 4), else its Jackson 2
 * {@code ObjectMapper} bean (Spring Boot 3), else a default mapper of whichever Jackson is on the class
 * path (Jackson 3 first). Instantiated only when a Jackson databind is on the class path.
 *
 * @since 0.1.0
 */
final class RowBinders {

	static final String JACKSON3 = "tools.jackson.databind.json.JsonMapper";

	static final String JACKSON2 = "com.fasterxml.jackson.databind.ObjectMapper";

	private final Function<Class<?>, RowBinder> factory;

	RowBinders(ApplicationContext context) {
		ClassLoader classLoader = context.getClassLoader();
		boolean jackson3 = ClassUtils.isPresent(JACKSON3, classLoader);
		boolean jackson2 = ClassUtils.isPresent(JACKSON2, classLoader);
		Function<Class<?>, RowBinder> chosen = jackson3 ? Jackson3.ofBean(context) : null;
		if (chosen == null && jackson2) {
			chosen = Jackson2.ofBean(context);
		}
		if (chosen == null) {
			chosen = jackson3 ? Jackson3.ofDefault() : Jackson2.ofDefault();
		}
		this.factory = chosen;
	}

	/** @return whether a Jackson databind is on the class path */
	static boolean available(@Nullable ClassLoader classLoader) {
		return ClassUtils.isPresent(JACKSON3, classLoader) || ClassUtils.isPresent(JACKSON2, classLoader);
	}

	RowBinder forType(Class<?> type) {
		return this.factory.apply(type);
	}

	/** Loaded only when Jackson 3 is present. */
	private static final class Jackson3 {

		static @Nullable Function<Class<?>, RowBinder> ofBean(ApplicationContext context) {
			tools.jackson.databind.json.JsonMapper mapper = context
				.getBeanProvider(tools.jackson.databind.json.JsonMapper.class)
				.getIfUnique();
			return (mapper != null) ? new Jackson3RowBinders(mapper)::forType : null;
		}

		static Function<Class<?>, RowBinder> ofDefault() {
			return new Jackson3RowBinders(Jackson3RowBinders.defaultMapper())::forType;
		}

	}

	/** Loaded only when Jackson 2 is present. */
	private static final class Jackson2 {

		static @Nullable Function<Class<?>, RowBinder> ofBean(ApplicationContext context) {
			com.fasterxml.jackson.databind.ObjectMapper mapper = context
				.getBeanProvider(com.fasterxml.jackson.databind.ObjectMapper.class)
				.getIfUnique();
			return (mapper != null) ? new JacksonRowBinders(mapper)::forType : null;
		}

		static Function<Class<?>, RowBinder> ofDefault() {
			return new JacksonRowBinders(JacksonRowBinders.defaultMapper())::forType;
		}

	}

}
