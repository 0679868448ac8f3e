package dev.lode.spring.boot.autoconfigure;

import dev.lode.spring.InvalidListenerMethodException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an unusable {@code @OnWalChange} or {@code @OnWalTransaction} method at startup.
 *
 * @since 0.1.0
 */
class InvalidListenerMethodFailureAnalyzer extends AbstractFailureAnalyzer<InvalidListenerMethodException> {

	private static final String ACTION = "Make it a void method without @Async. An @OnWalChange method may declare,"
			+ " in any order and at most one of each: dev.lode.core.WalChange; dev.lode.core.TransactionInfo; the new"
			+ " row as a record, a POJO or Map<String, Object>; the old row as a record, a POJO or Map<String, Object>"
			+ " annotated @OldRow. An @OnWalTransaction method may declare List<WalChange> and TransactionInfo.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidListenerMethodException cause) {
		return new FailureAnalysis("The " + cause.getAnnotation() + " method " + cause.getMethod()
				+ " cannot be used: " + cause.getReason(), ACTION, cause);
	}

}
