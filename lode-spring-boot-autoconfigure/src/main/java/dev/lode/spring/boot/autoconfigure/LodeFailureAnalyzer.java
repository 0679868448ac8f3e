package dev.lode.spring.boot.autoconfigure;

import dev.lode.core.replication.ReplicationSetupException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains lode setup errors at startup: what is wrong, and how to fix it.
 *
 * @since 0.1.0
 */
class LodeFailureAnalyzer extends AbstractFailureAnalyzer<ReplicationSetupException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ReplicationSetupException cause) {
		return new FailureAnalysis("lode cannot stream changes from PostgreSQL: " + cause.getMessage(), cause.action(),
				cause);
	}

}
