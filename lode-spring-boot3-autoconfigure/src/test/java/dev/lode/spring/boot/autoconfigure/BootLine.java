package dev.lode.spring.boot.autoconfigure;

import java.util.Map;

import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;

/**
 * What the shared tests need from Spring Boot types that moved between Boot 3 and Boot 4 (this is the
 * Boot 3.5 side; lode-spring-boot-autoconfigure has the Boot 4 twin).
 */
public final class BootLine {

	/** Package prefixes of the health API, for a {@code FilteredClassLoader} that hides it. */
	public static final String[] HEALTH_PACKAGES = { "org.springframework.boot.actuate.health" };

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
		return (LodeHealthIndicator) ((org.springframework.boot.actuate.health.CompositeHealthContributor) composite).getContributor(name);
	}

	/** @return the indicator's details */
	public static Map<String, Object> details(LodeHealthIndicator indicator) {
		Health health = indicator.health();
		return health.getDetails();
	}

	/** @return the value as the Actuator's JSON mapper writes it (Jackson 2 on this line) */
	public static String json(Object value) {
		try {
			return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
		}
		catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
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
