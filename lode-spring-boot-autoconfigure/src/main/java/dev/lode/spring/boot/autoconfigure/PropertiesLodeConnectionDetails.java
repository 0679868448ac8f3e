package dev.lode.spring.boot.autoconfigure;

import dev.lode.core.replication.ReplicationSetupException;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * {@link LodeConnectionDetails} from {@code lode.*}, falling back per value to Spring Boot's
 * {@code JdbcConnectionDetails} bean ({@link JdbcConnectionFallback}: {@code spring.datasource.*},
 * Testcontainers {@code @ServiceConnection} and Docker Compose) and then to the {@code spring.datasource.*}
 * properties themselves.
 *
 * @since 0.1.0
 */
public class PropertiesLodeConnectionDetails implements LodeConnectionDetails {

	private final LodeProperties properties;

	private final ObjectProvider<JdbcConnectionFallback> jdbc;

	private final Environment environment;

	/**
	 * @param properties lode's properties
	 * @param jdbc the application's JDBC connection details, if any
	 * @param environment the environment, for {@code spring.datasource.*}
	 */
	public PropertiesLodeConnectionDetails(LodeProperties properties, ObjectProvider<JdbcConnectionFallback> jdbc,
			Environment environment) {
		this.properties = properties;
		this.jdbc = jdbc;
		this.environment = environment;
	}

	@Override
	public String getJdbcUrl() {
		String url = this.properties.getUrl();
		if (!StringUtils.hasText(url)) {
			JdbcConnectionFallback.Connection details = application();
			url = (details != null) ? details.jdbcUrl() : this.environment.getProperty("spring.datasource.url");
		}
		if (!StringUtils.hasText(url)) {
			throw new ReplicationSetupException("No database is configured for lode",
					"Set lode.url (or spring.datasource.url) to jdbc:postgresql://HOST:PORT/DATABASE, or set"
							+ " lode.enabled=false");
		}
		return url;
	}

	@Override
	public @Nullable String getUsername() {
		if (StringUtils.hasText(this.properties.getUsername())) {
			return this.properties.getUsername();
		}
		JdbcConnectionFallback.Connection details = application();
		return (details != null) ? details.username() : this.environment.getProperty("spring.datasource.username");
	}

	@Override
	public @Nullable String getPassword() {
		if (this.properties.getPassword() != null) {
			return this.properties.getPassword();
		}
		JdbcConnectionFallback.Connection details = application();
		return (details != null) ? details.password() : this.environment.getProperty("spring.datasource.password");
	}

	/** @return the application's JDBC connection details, or {@code null} */
	private JdbcConnectionFallback.@Nullable Connection application() {
		JdbcConnectionFallback fallback = this.jdbc.getIfAvailable();
		return (fallback != null) ? fallback.find() : null;
	}

}
