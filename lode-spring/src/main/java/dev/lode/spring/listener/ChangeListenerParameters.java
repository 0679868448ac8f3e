package dev.lode.spring.listener;

import dev.lode.spring.annotation.OldRow;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.event.WalChangeEvent;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.EventObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.spring.binding.RowBinder;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * The parameters of an {@link OnWalChange} method: validated once at startup, resolved per change.
 *
 * @since 0.1.0
 */
final class ChangeListenerParameters {

	static final String ALLOWED = "an @OnWalChange method may declare, in any order and at most one of each:"
			+ " WalChange; TransactionInfo; the new row as a record, a POJO or Map<String, Object>; the old row"
			+ " as a record, a POJO or Map<String, Object> annotated @OldRow; WalChangeEvent";

	private final Kind[] kinds;

	private final @Nullable RowBinder[] binders;

	private ChangeListenerParameters(Kind[] kinds, @Nullable RowBinder[] binders) {
		this.kinds = kinds;
		this.binders = binders;
	}

	/**
	 * @param method the listener method
	 * @param binders creates a binder for a record or POJO type; {@code null} when Jackson is absent
	 * @return the validated parameters
	 * @throws InvalidListenerMethodException when a parameter is not supported
	 */
	static ChangeListenerParameters of(Method method, @Nullable Function<Class<?>, RowBinder> binders) {
		int count = method.getParameterCount();
		Kind[] kinds = new Kind[count];
		@Nullable RowBinder[] rowBinders = new RowBinder[count];
		Map<Kind, Integer> seen = new HashMap<>();
		for (int i = 0; i < count; i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			Kind kind = kindOf(method, parameter);
			Integer previous = seen.put(kind.slot(), i);
			if (previous != null) {
				throw new InvalidListenerMethodException(method, "parameters " + (previous + 1) + " and " + (i + 1)
						+ " both receive " + kind.slot().description, "Keep one of the two parameters ("
								+ kind.slot().description + " arrives once); " + ALLOWED);
			}
			if (kind == Kind.NEW_ROW || kind == Kind.OLD_ROW) {
				if (binders == null) {
					throw new InvalidListenerMethodException(method, "parameter " + (i + 1) + " ("
							+ parameter.getParameterType().getSimpleName() + ") is bound with Jackson, but"
							+ " no jackson-databind is on the class path", "Add tools.jackson.core:jackson-databind"
									+ " (Jackson 3, Spring Boot 4) or com.fasterxml.jackson.core:jackson-databind (Jackson 2)"
									+ " to the application, or declare Map<String, Object> instead");
				}
				rowBinders[i] = binders.apply(parameter.getParameterType());
			}
			kinds[i] = kind;
		}
		return new ChangeListenerParameters(kinds, rowBinders);
	}

	private static Kind kindOf(Method method, MethodParameter parameter) {
		Class<?> type = parameter.getParameterType();
		boolean old = parameter.hasParameterAnnotation(OldRow.class);
		int position = parameter.getParameterIndex() + 1;
		if (type == Map.class) {
			ResolvableType map = ResolvableType.forMethodParameter(parameter).asMap();
			Class<?> key = map.getGeneric(0).resolve(String.class);
			Class<?> value = map.getGeneric(1).resolve(Object.class);
			if (key != String.class || value != Object.class) {
				throw new InvalidListenerMethodException(method, "parameter " + position + " is a Map<"
						+ key.getSimpleName() + ", " + value.getSimpleName() + ">, but row values have several types",
						"Declare parameter " + position + " as Map<String, Object>");
			}
			return old ? Kind.OLD_ROW_MAP : Kind.NEW_ROW_MAP;
		}
		if (isRowType(type)) {
			return old ? Kind.OLD_ROW : Kind.NEW_ROW;
		}
		if (old) {
			throw new InvalidListenerMethodException(method, "parameter " + position + " (" + type.getSimpleName()
					+ ") is annotated @OldRow, which marks a record, a POJO or a Map<String, Object>",
					"Remove @OldRow from parameter " + position + ", or declare the old row there as a record, a POJO"
							+ " or Map<String, Object>");
		}
		if (type == WalChange.class) {
			return Kind.CHANGE;
		}
		if (type == TransactionInfo.class) {
			return Kind.TRANSACTION;
		}
		if (type == WalChangeEvent.class) {
			return Kind.EVENT;
		}
		String hint = Collection.class.isAssignableFrom(type)
				? " (a List<WalChange> of a whole transaction is for @OnWalTransaction methods)" : "";
		throw new InvalidListenerMethodException(method, "parameter " + position + " has the unsupported type "
				+ type.getSimpleName() + hint, "Remove parameter " + position + " or change its type; " + ALLOWED);
	}

	/**
	 * A record or a class of the application: not a JDK, Spring or lode core type, not an event or
	 * exception, not an array, enum, interface or abstract class.
	 */
	private static boolean isRowType(Class<?> type) {
		if (type.isPrimitive() || type.isArray() || type.isEnum() || type.isInterface() || type.isAnnotation()
				|| Modifier.isAbstract(type.getModifiers()) || ClassUtils.isPrimitiveWrapper(type)
				|| EventObject.class.isAssignableFrom(type) || Throwable.class.isAssignableFrom(type)) {
			return false;
		}
		String name = type.getName();
		return !(name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
				|| name.startsWith("kotlin.") || name.startsWith("dev.lode.core.")
				|| name.startsWith("org.springframework."));
	}

	/**
	 * @return whether a new or old row is bound to a record or POJO
	 */
	boolean bindsRows() {
		for (Kind kind : this.kinds) {
			if (kind == Kind.NEW_ROW || kind == Kind.OLD_ROW) {
				return true;
			}
		}
		return false;
	}

	/**
	 * @param event the event
	 * @return the arguments for the method
	 */
	@Nullable Object[] resolve(WalChangeEvent event) {
		WalChange change = event.getChange();
		@Nullable Object[] args = new Object[this.kinds.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = switch (this.kinds[i]) {
				case CHANGE -> change;
				case EVENT -> event;
				case TRANSACTION -> change.transaction();
				case NEW_ROW_MAP -> change.values();
				case OLD_ROW_MAP -> change.oldValues();
				case NEW_ROW -> change.values().isEmpty() ? null : binder(i).bind(newRow(change), change);
				case OLD_ROW -> change.oldValues().isEmpty() ? null : binder(i).bind(change.oldValues());
			};
		}
		return args;
	}

	private RowBinder binder(int index) {
		RowBinder binder = this.binders[index];
		if (binder == null) {
			throw new IllegalStateException("No binder for parameter " + (index + 1));
		}
		return binder;
	}

	/**
	 * The new row for binding: an unchanged TOASTed column (absent from an UPDATE's values) takes its
	 * old value when the old row has it ({@code REPLICA IDENTITY FULL}).
	 */
	private static Map<String, @Nullable Object> newRow(WalChange change) {
		Map<String, @Nullable Object> values = change.values();
		Map<String, @Nullable Object> old = change.oldValues();
		if (old.isEmpty() || values.keySet().containsAll(old.keySet())) {
			return values;
		}
		Map<String, @Nullable Object> merged = new HashMap<>(old);
		merged.putAll(values);
		return merged;
	}

	/** What a parameter receives. */
	enum Kind {

		CHANGE("the WalChange"), EVENT("the WalChangeEvent"), TRANSACTION("the TransactionInfo"),
		NEW_ROW("the new row"), NEW_ROW_MAP("the new row"), OLD_ROW("the old row"), OLD_ROW_MAP("the old row");

		final String description;

		Kind(String description) {
			this.description = description;
		}

		/** @return the kind that counts for "at most one of each": a Map and a POJO row are the same slot */
		Kind slot() {
			return switch (this) {
				case NEW_ROW_MAP -> NEW_ROW;
				case OLD_ROW_MAP -> OLD_ROW;
				default -> this;
			};
		}

	}

}
