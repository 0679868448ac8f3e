package dev.lode.smoke;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.lode.test.TestPostgres;
import dev.lode.test.WithPostgres;
import dev.lode.testing.LodeSync;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * From the outside, as a user sees it: a change reaches the listener as a record (waited for with
 * {@link LodeSync} of {@code dev.lode:lode-test}, in test scope as a user adds it), and
 * {@code /actuator/health} shows lode UP.
 */
@WithPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SmokeApplicationTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestPostgres pg = TestPostgres.get();
		String db = pg.createDatabase("smoke");
		pg.execute(db, "create table smoke_orders (id bigint primary key, customer text not null, amount numeric(10,2))");
		registry.add("spring.datasource.url", () -> pg.jdbcUrl(db));
		registry.add("spring.datasource.username", pg::username);
		registry.add("spring.datasource.password", pg::password);
		registry.add("lode.slot.name", () -> db);
	}

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private OrderListener listener;

	@Autowired
	private LodeSync lode;

	@Value("${local.server.port}")
	private int port;

	@Test
	void aChangeReachesTheListenerAsARecordAndLodeIsUp() throws Exception {
		this.jdbc.update("insert into smoke_orders values (1, 'alice', 12.50)");

		this.lode.awaitProcessed(Duration.ofSeconds(30));
		assertThat(this.listener.received()).containsExactly(new OrderListener.Order(1, "alice", new BigDecimal("12.50")));
		String health = get("/actuator/health");
		assertThat(health).as("Spring Boot %s: %s", SpringBootVersion.getVersion(), health)
			// {"lode":{"status":"UP","details":{...}}} (Jackson 2) or {"lode":{"details":{...},"status":"UP"}} (Jackson 3)
			.containsPattern("\"lode\":\\{(\"details\":\\{[^}]*\\},)?\"status\":\"UP\"");
		System.out.println("Smoke test passed on Spring Boot " + SpringBootVersion.getVersion());
	}

	private String get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		return response.body();
	}

}
