package dev.lode.spring;

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

	private final String reason;

	/**
	 * Creates an exception about an {@link OnWalChange} method.
	 * @param method the offending method
	 * @param reason what is wrong with it and how to fix it
	 */
	public InvalidListenerMethodException(Method method, String reason) {
		this(OnWalChange.class, method, reason);
	}

	/**
	 * @param annotation the listener annotation on the method
	 * @param method the offending method
	 * @param reason what is wrong with it and how to fix it
	 */
	public InvalidListenerMethodException(Class<? extends Annotation> annotation, Method method, String reason) {
		super("Invalid @" + annotation.getSimpleName() + " method " + describe(method) + ": " + reason);
		this.annotation = "@" + annotation.getSimpleName();
		this.method = describe(method);
		this.reason = reason;
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

}
