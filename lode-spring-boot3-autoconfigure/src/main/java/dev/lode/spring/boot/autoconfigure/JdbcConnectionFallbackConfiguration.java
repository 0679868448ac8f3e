package dev.lode.spring.boot.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot 3.5: adapts {@code JdbcConnectionDetails} (always present in Boot 3's autoconfigure jar).
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
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
