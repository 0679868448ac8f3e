package dev.lode.spring.aot;

import java.lang.reflect.Method;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;

/**
 * The runtime hints of one {@link OnWalChange} or {@link OnWalTransaction} method, applied by Spring's
 * AOT processing to the methods of every bean (the annotations are {@code @Reflective} with this
 * processor, as Spring's {@code @EventListener} is): the method may be invoked reflectively, and each
 * parameter that receives a row as a record or POJO may be bound by Jackson (its constructors,
 * accessors and fields, recursively, as {@link BindingReflectionHintsRegistrar} registers them for
 * Jackson; lode's binders also read its declared fields for {@code @JsonProperty}).
 *
 * @since 0.1.0
 */
public class WalListenerReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

	@Override
	@SuppressWarnings("deprecation") // DECLARED_FIELDS: Framework 7 names it ACCESS_DECLARED_FIELDS, 6.2 has only this
	protected void registerMethodHint(ReflectionHints hints, Method method) {
		super.registerMethodHint(hints, method);
		for (Class<?> type : method.getParameterTypes()) {
			if (isBoundRow(type)) {
				this.bindingRegistrar.registerReflectionHints(hints, type);
				hints.registerType(type, MemberCategory.DECLARED_FIELDS);
			}
		}
	}

	/**
	 * Whether lode binds a row to the type: an application class (not the JDK's, Spring's or lode's, so
	 * not {@code WalChange}, {@code TransactionInfo}, {@code Map} or {@code List}), not an array or a
	 * primitive. The listener factory validates the parameters at startup; this only chooses what to
	 * register.
	 */
	static boolean isBoundRow(Class<?> type) {
		if (type.isPrimitive() || type.isArray() || type.isInterface() || type.isEnum()) {
			return false;
		}
		String name = type.getName();
		return !(name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
				|| name.startsWith("kotlin.") || name.startsWith("dev.lode.core.") || name.startsWith("dev.lode.spring.event.")
				|| name.startsWith("org.springframework."));
	}

}
