package dev.lode.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Starts an embedded PostgreSQL (with {@code wal_level=logical}) when no database is configured,
 * so that the sample runs with nothing but a JDK: it streams with the built-in pgoutput plugin,
 * because the embedded server has no wal2json. Set {@code DATABASE_URL} (or
 * {@code spring.datasource.url} / {@code lode.url}) to use a real database instead.
 */
public class EmbeddedDatabaseEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private static volatile EmbeddedPostgres embedded;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StringUtils.hasText(environment.getProperty("spring.datasource.url"))
				|| StringUtils.hasText(environment.getProperty("lode.url"))
				|| !environment.getProperty("sample.embedded-database", Boolean.class, true)) {
			return;
		}
		EmbeddedPostgres server = start();
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.datasource.url", server.getJdbcUrl("postgres", "postgres"));
		properties.put("spring.datasource.username", "postgres");
		properties.put("spring.datasource.password", "");
		properties.put("lode.plugin", "pgoutput");
		environment.getPropertySources().addFirst(new MapPropertySource("sampleEmbeddedDatabase", properties));
	}

	private static synchronized EmbeddedPostgres start() {
		if (embedded == null) {
			try {
				// the server's own log (with its ERROR and STATEMENT lines) goes to a file, not into the application's
				// log at INFO, where it would read like the application's errors
				Path serverLog = Files.createTempFile("lode-sample-postgres-", ".log");
				System.out.println("No database configured (DATABASE_URL): starting an embedded PostgreSQL"
						+ " with wal_level=logical; lode streams it with pgoutput. The server's log: " + serverLog);
				EmbeddedPostgres server = EmbeddedPostgres.builder()
					.setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
					.setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
					.setServerConfig("wal_level", "logical")
					.setServerConfig("max_replication_slots", "4")
					.setServerConfig("max_wal_senders", "4")
					.start();
				Runtime.getRuntime().addShutdownHook(new Thread(() -> {
					try {
						server.close();
					}
					catch (IOException ex) {
						// best effort at exit
					}
				}, "sample-embedded-postgres-stop"));
				embedded = server;
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not start the embedded PostgreSQL", ex);
			}
		}
		return embedded;
	}

}
