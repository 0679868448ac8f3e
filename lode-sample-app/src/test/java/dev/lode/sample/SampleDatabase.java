package dev.lode.sample;

import dev.lode.test.TestPostgres;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points the sample application of a test at a fresh database of the test PostgreSQL.
 */
final class SampleDatabase {

	private SampleDatabase() {
	}

	static void register(DynamicPropertyRegistry registry, String prefix) {
		TestPostgres pg = TestPostgres.get();
		String db = pg.createDatabase(prefix);
		registry.add("spring.datasource.url", () -> pg.jdbcUrl(db));
		registry.add("spring.datasource.username", pg::username);
		registry.add("spring.datasource.password", pg::password);
	}

}
