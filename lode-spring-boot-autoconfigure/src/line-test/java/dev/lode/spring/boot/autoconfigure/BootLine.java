package dev.lode.spring.boot.autoconfigure;

import java.util.Map;

import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;

/**
 * What the shared tests need from Spring Boot types that moved between Boot 3 and Boot 4 (this is the
 * Boot 4 side; lode-spring-boot3-autoconfigure has the Boot 3 twin).
 */
public final class BootLine {

	/** Package prefixes of the health API, for a {@code FilteredClassLoader} that hides it. */
	public static final String[] HEALTH_PACKAGES = { "org.springframework.boot.health.contributor" };

	/** Spring Boot's Kafka auto-configuration (KafkaTemplate and ProducerFactory from spring.kafka.*). */
	public static final Class<?> KAFKA_AUTO_CONFIGURATION = KafkaAutoConfiguration.class;

	private BootLine() {
	}

	/** @return the indicator's status code ({@code UP}, {@code DOWN}, {@code OUT_OF_SERVICE}) */
	public static String status(LodeHealthIndicator indicator) {
		return indicator.health().getStatus().getCode();
	}

	/** @return the indicator of the composite health contributor (lodeSources) of that name, or {@code null} */
	public static LodeHealthIndicator child(Object composite, String name) {
		return (LodeHealthIndicator) ((org.springframework.boot.health.contributor.CompositeHealthContributor) composite).getContributor(name);
	}

	/** @return the indicator's details */
	public static Map<String, Object> details(LodeHealthIndicator indicator) {
		Health health = indicator.health();
		return health.getDetails();
	}

	/** @return the value as the Actuator's JSON mapper writes it (Jackson 3 on this line) */
	public static String json(Object value) {
		return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(value);
	}

	/** @return the runner with a {@code JdbcConnectionDetails} bean */
	public static ApplicationContextRunner withJdbcConnectionDetails(ApplicationContextRunner runner, String url,
			String username, String password) {
		return runner.withBean(JdbcConnectionDetails.class, () -> new JdbcConnectionDetails() {

			@Override
			public String getJdbcUrl() {
				return url;
			}

			@Override
			public String getUsername() {
				return username;
			}

			@Override
			public String getPassword() {
				return password;
			}

		});
	}

}
