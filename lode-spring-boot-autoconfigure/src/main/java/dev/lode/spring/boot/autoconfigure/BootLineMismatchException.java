package dev.lode.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when the lode starter on the classpath was built for another Spring Boot line than the
 * application's; the message names the starter to use instead.
 *
 * @since 0.1.0
 * @see BootLineCheck
 */
public class BootLineMismatchException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String starter;

	private final @Nullable String rightStarter;

	BootLineMismatchException(String message, @Nullable String starter, @Nullable String rightStarter) {
		super(message);
		this.starter = starter;
		this.rightStarter = rightStarter;
	}

	/** @return the artifact of the starter on the classpath */
	public @Nullable String getStarter() {
		return this.starter;
	}

	/** @return the artifact of the starter for the application's Spring Boot line, if lode has one */
	public @Nullable String getRightStarter() {
		return this.rightStarter;
	}

}
