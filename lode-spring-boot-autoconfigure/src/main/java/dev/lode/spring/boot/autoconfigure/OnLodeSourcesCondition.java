package dev.lode.spring.boot.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code lode.sources.<name>.*} configures sources besides the default (for the beans that only they
 * need, such as their health contributor).
 *
 * @since 0.4.0
 */
public class OnLodeSourcesCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return SourceProperties.names(context.getEnvironment()).isEmpty()
				? ConditionOutcome.noMatch("no lode.sources") : ConditionOutcome.match("lode.sources configured");
	}

}
