package dev.lode.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports {@link BootLineMismatchException} in Spring Boot's startup failure report: the mismatch, and which
 * dependency to replace with which. Uses only what both Boot lines share, as it runs on the wrong one.
 *
 * @since 0.1.0
 */
class BootLineFailureAnalyzer extends AbstractFailureAnalyzer<BootLineMismatchException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BootLineMismatchException cause) {
		String action = (cause.getRightStarter() != null)
				? "Replace the dependency dev.lode:" + cause.getStarter() + " with dev.lode:" + cause.getRightStarter()
						+ " (same version). Add only one lode starter: each is built for its Spring Boot line."
				: "Run the application on a Spring Boot line that lode supports (4.x with lode-spring-boot-starter,"
						+ " 3.5 with lode-spring-boot3-starter).";
		return new FailureAnalysis(cause.getMessage(), action, cause);
	}

}
