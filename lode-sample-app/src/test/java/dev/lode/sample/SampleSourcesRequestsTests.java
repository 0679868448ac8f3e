package dev.lode.sample;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.test.WithPostgres;
import dev.lode.testing.LodeSync;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second source ({@code lode.sources.audit}: a second slot on the sample's database) over HTTP: the endpoint lists
 * the sources, describes one and pauses and resumes it by name, health has a component per further source.
 */
@WithPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.generate-orders=false", "sample.embedded-database=false",
				"lode.slot.name=lode_sample_sources", "lode.status-interval=1s",
				"lode.sources.audit.slot.name=lode_sample_sources_audit" })
class SampleSourcesRequestsTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		SampleDatabase.register(registry, "sources");
	}

	private final LocalHttp http = new LocalHttp();

	private final JsonMapper json = new JsonMapper();

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private LodeSync lode;

	@Autowired
	private Audit audit;

	@Test
	void theEndpointAndHealthServeEachSourceByName() {
		assertThat(body(get("/actuator/lode"))).containsEntry("sources", List.of("default", "audit"))
			.containsEntry("slot", "lode_sample_sources");
		assertThat(body(get("/actuator/lode/audit"))).containsEntry("slot", "lode_sample_sources_audit")
			.containsEntry("state", "STREAMING");
		assertThat(body(get("/actuator/health/lodeSources/audit"))).containsEntry("status", "UP");
		assertThat(body(get("/actuator/health/lode"))).containsEntry("status", "UP");

		HttpResponse<String> paused = post("/actuator/lode/audit/pause");
		assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
		assertThat(body(paused)).containsEntry("state", "PAUSED");
		HttpResponse<String> again = post("/actuator/lode/audit/pause");
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(String.valueOf(body(again).get("message"))).contains("POST /actuator/lode/audit/resume");
		assertThat(body(get("/actuator/lode"))).containsEntry("state", "STREAMING");
		HttpResponse<String> unknown = post("/actuator/lode/nope/pause");
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(String.valueOf(body(unknown).get("message"))).contains("Unknown lode source 'nope'");

		this.jdbc.update("insert into orders (customer, amount, status) values ('audited', 1.00, 'new')");
		this.lode.awaitProcessed("default", Duration.ofSeconds(30));
		assertThat(this.audit.customers).isEmpty();
		assertThat(post("/actuator/lode/audit/resume").statusCode()).isEqualTo(200);
		this.lode.awaitProcessed(Duration.ofSeconds(30));
		assertThat(this.audit.customers).containsExactly("audited");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> body(HttpResponse<String> response) {
		return this.json.readValue(response.body(), Map.class);
	}

	private HttpResponse<String> post(String path) {
		return this.http.send(LocalHttp.request(this.port, path)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
	}

	private HttpResponse<String> get(String path) {
		return this.http.send(LocalHttp.request(this.port, path).build());
	}

	/** The audit source's listener: the new orders, through a slot of its own. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Audit {

		final List<Object> customers = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnWalChange(source = "audit", table = "orders")
		void onOrder(WalChange change) {
			this.customers.add(change.get("customer"));
		}

	}

}
