package dev.lode.spring.boot.autoconfigure.health;

import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.LodeProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@code lode} health indicator when Spring Boot 4's health module is present.
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

}
