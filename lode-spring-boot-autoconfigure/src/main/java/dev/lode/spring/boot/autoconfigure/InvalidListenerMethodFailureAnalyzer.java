package dev.lode.spring.boot.autoconfigure;

import dev.lode.spring.listener.InvalidListenerMethodException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an unusable {@code @OnWalChange} or {@code @OnWalTransaction} method at startup.
 *
 * @since 0.1.0
 */
class InvalidListenerMethodFailureAnalyzer extends AbstractFailureAnalyzer<InvalidListenerMethodException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidListenerMethodException cause) {
		return new FailureAnalysis("The " + cause.getAnnotation() + " method " + cause.getMethod()
				+ " cannot be used: " + cause.getReason(), cause.getAction(), cause);
	}

}
