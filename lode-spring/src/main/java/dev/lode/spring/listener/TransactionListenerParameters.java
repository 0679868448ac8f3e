package dev.lode.spring.listener;

import dev.lode.spring.annotation.OldRow;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.event.WalTransactionEvent;
import java.lang.reflect.Method;
import java.util.List;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;

/**
 * The parameters of an {@link OnWalTransaction} method: validated once at startup, resolved per
 * transaction.
 *
 * @since 0.1.0
 */
final class TransactionListenerParameters {

	static final String ALLOWED = "an @OnWalTransaction method may declare, in any order and at most one of"
			+ " each: List<WalChange>; TransactionInfo; WalTransactionEvent";

	private final Kind[] kinds;

	private TransactionListenerParameters(Kind[] kinds) {
		this.kinds = kinds;
	}

	static TransactionListenerParameters of(Method method) {
		Kind[] kinds = new Kind[method.getParameterCount()];
		for (int i = 0; i < kinds.length; i++) {
			Kind kind = kindOf(method, new MethodParameter(method, i));
			for (int j = 0; j < i; j++) {
				if (kinds[j] == kind) {
					throw new InvalidListenerMethodException(OnWalTransaction.class, method, "parameters " + (j + 1)
							+ " and " + (i + 1) + " both receive " + kind.description, "Keep one of the two parameters ("
									+ kind.description + " arrives once); " + ALLOWED);
				}
			}
			kinds[i] = kind;
		}
		return new TransactionListenerParameters(kinds);
	}

	private static Kind kindOf(Method method, MethodParameter parameter) {
		Class<?> type = parameter.getParameterType();
		int position = parameter.getParameterIndex() + 1;
		if (parameter.hasParameterAnnotation(OldRow.class)) {
			throw new InvalidListenerMethodException(OnWalTransaction.class, method, "parameter " + position
					+ " is annotated @OldRow, which only @OnWalChange methods support", "Remove @OldRow (each"
							+ " WalChange of the List<WalChange> has oldValues()), or listen with an @OnWalChange method");
		}
		if (type == List.class) {
			Class<?> element = ResolvableType.forMethodParameter(parameter).asCollection().getGeneric(0).resolve();
			if (element != WalChange.class) {
				throw new InvalidListenerMethodException(OnWalTransaction.class, method, "parameter " + position
						+ " is a List of " + ((element != null) ? element.getSimpleName() : "unknown elements"),
						"Declare parameter " + position + " as List<WalChange>");
			}
			return Kind.CHANGES;
		}
		if (type == TransactionInfo.class) {
			return Kind.TRANSACTION;
		}
		if (type == WalTransactionEvent.class) {
			return Kind.EVENT;
		}
		String hint = (type == WalChange.class) ? " (a single WalChange is for @OnWalChange methods)" : "";
		throw new InvalidListenerMethodException(OnWalTransaction.class, method, "parameter " + position
				+ " has the unsupported type " + type.getSimpleName() + hint,
				"Remove parameter " + position + " or change its type; " + ALLOWED);
	}

	@Nullable Object[] resolve(WalTransactionEvent event, List<WalChange> changes) {
		@Nullable Object[] args = new Object[this.kinds.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = switch (this.kinds[i]) {
				case CHANGES -> changes;
				case TRANSACTION -> event.getTransaction();
				case EVENT -> event;
			};
		}
		return args;
	}

	/** What a parameter receives. */
	enum Kind {

		CHANGES("the changes"), TRANSACTION("the TransactionInfo"), EVENT("the WalTransactionEvent");

		final String description;

		Kind(String description) {
			this.description = description;
		}

	}

}
