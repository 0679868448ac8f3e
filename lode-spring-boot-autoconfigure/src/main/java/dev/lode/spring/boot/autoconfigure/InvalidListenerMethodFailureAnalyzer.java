package dev.lode.spring.boot.autoconfigure;

import dev.lode.spring.InvalidListenerMethodException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an unusable {@code @OnWalChange} method at startup.
 *
 * @since 0.1.0
 */
class InvalidListenerMethodFailureAnalyzer extends AbstractFailureAnalyzer<InvalidListenerMethodException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidListenerMethodException cause) {
		return new FailureAnalysis("The @OnWalChange method " + cause.getMethod() + " cannot be used: "
				+ cause.getReason(),
				"Make it a void method with one parameter of type dev.lode.core.WalChange (or none), without @Async",
				cause);
	}

}
