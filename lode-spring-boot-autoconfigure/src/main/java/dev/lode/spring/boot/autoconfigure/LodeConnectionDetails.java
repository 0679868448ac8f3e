package dev.lode.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where lode connects: a PostgreSQL JDBC URL and credentials. Define a bean of this type to take
 * full control of lode's connection.
 *
 * @since 0.1.0
 */
public interface LodeConnectionDetails extends ConnectionDetails {

	/** @return the JDBC URL of the database whose changes to stream */
	String getJdbcUrl();

	/** @return the user name, or {@code null} to use the URL's */
	@Nullable String getUsername();

	/** @return the password, or {@code null} to use the URL's */
	@Nullable String getPassword();

}
