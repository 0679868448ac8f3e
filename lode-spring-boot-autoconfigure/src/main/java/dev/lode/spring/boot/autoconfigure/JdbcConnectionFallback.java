package dev.lode.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * The application's own database connection, for what {@code lode.*} leaves open: Spring Boot's
 * {@code JdbcConnectionDetails} bean (which covers {@code spring.datasource.*}, Testcontainers
 * {@code @ServiceConnection} and Docker Compose). That type moved between Boot 3 and Boot 4, so each
 * Boot line adapts it ({@code JdbcConnectionFallbackConfiguration}).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface JdbcConnectionFallback {

	/** @return the application's connection, or {@code null} when it has no JDBC connection details */
	@Nullable Connection find();

	/**
	 * A JDBC connection's coordinates.
	 *
	 * @param jdbcUrl the URL
	 * @param username the user name, or {@code null}
	 * @param password the password, or {@code null}
	 */
	record Connection(String jdbcUrl, @Nullable String username, @Nullable String password) {

		@Override
		public String toString() {
			return "Connection[" + this.jdbcUrl + ", " + this.username + "]"; // never the password
		}

	}

}
