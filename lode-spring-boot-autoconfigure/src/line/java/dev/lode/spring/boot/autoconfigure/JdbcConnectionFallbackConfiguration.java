package dev.lode.spring.boot.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot 4: adapts {@code JdbcConnectionDetails} (module {@code spring-boot-jdbc}, optional: without
 * it lode connects with {@code lode.url} or {@code spring.datasource.*}).
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails")
public class JdbcConnectionFallbackConfiguration {

	@Bean
	JdbcConnectionFallback lodeJdbcConnectionFallback(ObjectProvider<JdbcConnectionDetails> details) {
		return () -> {
			JdbcConnectionDetails jdbc = details.getIfAvailable();
			return (jdbc != null)
					? new JdbcConnectionFallback.Connection(jdbc.getJdbcUrl(), jdbc.getUsername(), jdbc.getPassword())
					: null;
		};
	}

}
