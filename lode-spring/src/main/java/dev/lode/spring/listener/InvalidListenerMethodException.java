package dev.lode.spring.listener;

import dev.lode.spring.annotation.OldRow;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

import org.springframework.util.ClassUtils;

/**
 * An {@link OnWalChange} or {@link OnWalTransaction} method cannot be used; startup fails with this
 * exception.
 *
 * @since 0.1.0
 */
public class InvalidListenerMethodException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String annotation;

	private final String method;

	/** What a listener method may look like, for problems without a more precise fix. */
	static final String SIGNATURES = "Make it a void method without @Async. An @OnWalChange method may declare, in"
			+ " any order and at most one of each: dev.lode.core.WalChange; dev.lode.core.TransactionInfo; the new"
			+ " row as a record, a POJO or Map<String, Object>; the old row as a record, a POJO or Map<String, Object>"
			+ " annotated @OldRow. An @OnWalTransaction method may declare List<WalChange> and TransactionInfo.";

	private final String reason;

	private final String action;

	/**
	 * Creates an exception about an {@link OnWalChange} method.
	 * @param method the offending method
	 * @param reason what is wrong with it
	 * @param action how to fix it
	 */
	public InvalidListenerMethodException(Method method, String reason, String action) {
		this(OnWalChange.class, method, reason, action);
	}

	/**
	 * @param annotation the listener annotation on the method
	 * @param method the offending method
	 * @param reason what is wrong with it
	 */
	public InvalidListenerMethodException(Class<? extends Annotation> annotation, Method method, String reason) {
		this(annotation, method, reason, SIGNATURES);
	}

	/**
	 * @param annotation the listener annotation on the method
	 * @param method the offending method
	 * @param reason what is wrong with it
	 * @param action how to fix it
	 */
	public InvalidListenerMethodException(Class<? extends Annotation> annotation, Method method, String reason,
			String action) {
		super("Invalid @" + annotation.getSimpleName() + " method " + describe(method) + ": " + reason);
		this.annotation = "@" + annotation.getSimpleName();
		this.method = describe(method);
		this.reason = reason;
		this.action = action;
	}

	static String describe(Method method) {
		StringBuilder sb = new StringBuilder(method.getDeclaringClass().getName()).append('.')
			.append(method.getName())
			.append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			sb.append((i > 0) ? ", " : "").append(ClassUtils.getShortName(types[i]));
		}
		return sb.append(')').toString();
	}

	/** @return the listener annotation, as {@code @OnWalChange} */
	public String getAnnotation() {
		return this.annotation;
	}

	/** @return the method, as {@code com.example.Listener.onOrder(WalChange)} */
	public String getMethod() {
		return this.method;
	}

	/** @return what is wrong with the method */
	public String getReason() {
		return this.reason;
	}

	/** @return how to fix the method */
	public String getAction() {
		return this.action;
	}

}
