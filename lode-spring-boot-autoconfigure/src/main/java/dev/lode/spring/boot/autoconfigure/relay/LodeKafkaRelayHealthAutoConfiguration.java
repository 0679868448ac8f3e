package dev.lode.spring.boot.autoconfigure.relay;

import dev.lode.kafka.KafkaChangeRelay;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthContributorAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.health.LodeReportHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The relay's health indicator, {@code lodeKafkaRelay} ({@link KafkaRelayHealth}), beside lode's own: where lode's
 * health indicator is (Actuator's health on either Boot line, {@code management.health.lode.enabled} not false) and
 * {@code management.health.lode-kafka-relay.enabled} is not false. The same on both Boot lines: the indicator class
 * of each line has the same name.
 *
 * @since 0.4.0
 */
@AutoConfiguration(after = { LodeKafkaRelayAutoConfiguration.class, LodeHealthContributorAutoConfiguration.class })
@ConditionalOnClass(name = { "dev.lode.kafka.KafkaChangeRelay",
		"dev.lode.spring.boot.autoconfigure.health.LodeReportHealthIndicator" })
@ConditionalOnBean(type = "dev.lode.kafka.KafkaChangeRelay", name = "lodeHealthIndicator")
@ConditionalOnBooleanProperty(name = "management.health.lode-kafka-relay.enabled", matchIfMissing = true)
public class LodeKafkaRelayHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "lodeKafkaRelayHealthIndicator")
	LodeReportHealthIndicator lodeKafkaRelayHealthIndicator(KafkaChangeRelay relay, KafkaRelayProperties properties) {
		return new LodeReportHealthIndicator(() -> KafkaRelayHealth.report(relay.status(), properties.getStallTimeout()));
	}

}
