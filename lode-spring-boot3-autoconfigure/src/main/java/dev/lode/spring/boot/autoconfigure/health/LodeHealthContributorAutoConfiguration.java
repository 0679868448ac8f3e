package dev.lode.spring.boot.autoconfigure.health;

import dev.lode.spring.boot.autoconfigure.OnLodeSourcesCondition;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.LodeProperties;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Registers the {@code lode} health indicator of the default source when Spring Boot 3.5 Actuator is present and, with further sources
 * ({@code lode.sources.<name>}), the composite {@code lodeSources} with one indicator per further source (its
 * name), which reports as {@code lode} does; one source DOWN leaves {@code lode} and the other sources as they are.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LodeAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(WalReplicationContainer.class)
@ConditionalOnEnabledHealthIndicator("lode")
public class LodeHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "lodeHealthIndicator")
	LodeHealthIndicator lodeHealthIndicator(WalReplicationContainer container, LodeProperties properties) {
		return new LodeHealthIndicator(container, LodeHealthReport.describe(properties.outputFormat()));
	}

	@Bean
	@ConditionalOnMissingBean(name = "lodeSourcesHealthContributor")
	@ConditionalOnBean(LodeSources.class)
	@Conditional(OnLodeSourcesCondition.class)
	CompositeHealthContributor lodeSourcesHealthContributor(LodeSources sources) {
		return CompositeHealthContributor.fromMap(FurtherSourceIndicators.of(sources));
	}

}
