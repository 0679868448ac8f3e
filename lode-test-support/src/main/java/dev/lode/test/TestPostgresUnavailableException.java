package dev.lode.test;

/**
 * Thrown when {@link TestPostgres} cannot provide a PostgreSQL server fit for lode's tests
 * (no source available, {@code wal_level} not {@code logical}, wal2json missing, not a superuser, ...).
 *
 * <p>The message always says what to install or set. It is an ordinary {@link IllegalStateException},
 * never a JUnit/opentest4j "aborted" exception, so a test that needs the server <em>fails</em> rather
 * than being skipped.
 */
public class TestPostgresUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public TestPostgresUnavailableException(String message) {
        super(message);
    }

    public TestPostgresUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
