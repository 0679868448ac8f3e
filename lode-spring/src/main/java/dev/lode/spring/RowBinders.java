package dev.lode.spring;

import dev.lode.spring.binding.JacksonRowBinders;
import dev.lode.spring.binding.RowBinder;
import org.springframework.context.ApplicationContext;

/**
 * Creates the row binders of the listeners of one context with one shared mapper: a copy of the
 * context's {@code ObjectMapper} bean (the primary one when there are several), or of a default
 * mapper. Instantiated only when jackson-databind is on the class path.
 *
 * @since 0.1.0
 */
final class RowBinders {

	private final JacksonRowBinders jackson;

	RowBinders(ApplicationContext context) {
		this.jackson = new JacksonRowBinders(context.getBeanProvider(com.fasterxml.jackson.databind.ObjectMapper.class)
			.getIfUnique(JacksonRowBinders::defaultMapper));
	}

	RowBinder forType(Class<?> type) {
		return this.jackson.forType(type);
	}

}
