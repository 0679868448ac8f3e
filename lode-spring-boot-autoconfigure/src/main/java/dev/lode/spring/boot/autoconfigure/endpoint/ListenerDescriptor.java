package dev.lode.spring.boot.autoconfigure.endpoint;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lode.spring.listener.WalChangeFilter;
import dev.lode.spring.listener.WalChangeListenerMethodAdapter;
import dev.lode.spring.listener.WalTransactionListenerMethodAdapter;
import org.jspecify.annotations.Nullable;

/**
 * One listener, as the {@code lode} endpoint shows it.
 *
 * @param id the listener's id (the annotation's {@code id}, or {@code Class.method})
 * @param type {@code change} for {@code @OnWalChange}, {@code transaction} for {@code @OnWalTransaction}
 * @param bean the name of the bean whose method is called
 * @param method the method, as {@code Class.method(ParameterType, ...)}
 * @param schema the schema it listens to, empty for any
 * @param tables the tables, sorted, empty for all
 * @param kinds the kinds of change, sorted
 * @param condition the SpEL condition, or {@code null}
 * @param order the order among the listeners of one change
 * @since 0.1.0
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListenerDescriptor(String id, String type, String bean, String method, String schema,
		List<String> tables, List<String> kinds, @Nullable String condition, int order) {

	static ListenerDescriptor of(WalChangeListenerMethodAdapter listener) {
		return of(listener.getListenerId(), "change", listener.getBeanName(), listener.getMethod(),
				listener.getFilter(), listener.getCondition(), listener.getOrder());
	}

	static ListenerDescriptor of(WalTransactionListenerMethodAdapter listener) {
		return of(listener.getListenerId(), "transaction", listener.getBeanName(), listener.getMethod(),
				listener.getFilter(), listener.getCondition(), listener.getOrder());
	}

	private static ListenerDescriptor of(String id, String type, String bean, java.lang.reflect.Method method,
			WalChangeFilter filter, @Nullable String condition, int order) {
		StringBuilder signature = new StringBuilder(method.getDeclaringClass().getSimpleName()).append('.')
			.append(method.getName())
			.append('(');
		Class<?>[] parameters = method.getParameterTypes();
		for (int i = 0; i < parameters.length; i++) {
			signature.append((i > 0) ? ", " : "").append(parameters[i].getSimpleName());
		}
		signature.append(')');
		return new ListenerDescriptor(id, type, bean, signature.toString(), filter.schema(),
				filter.tables().stream().sorted().toList(), filter.kinds().stream().map(Enum::name).sorted().toList(),
				condition, order);
	}

}
