package dev.lode.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lode.test.WithPostgres;
import dev.lode.testing.LodeSync;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application end to end: orders written to PostgreSQL reach the listener, and the
 * actuator shows lode's health details and meters.
 */
@WithPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.generate-orders=false", "sample.embedded-database=false", "lode.slot.name=lode_sample_test", "lode.status-interval=1s" })
class SampleApplicationTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		SampleDatabase.register(registry, "sample");
	}

	/** The actuator over HTTP, as an operator sees it (plain JDK client: the same on every Boot line). */
	private final Http rest = new Http();

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private LodeSync lode;

	@Autowired
	private OrderFeed feed;

	@Test
	@SuppressWarnings("unchecked")
	void ordersFlowAndTheActuatorShowsLodeHealthAndMeters() {
		for (int i = 0; i < 3; i++) {
			this.jdbc.update("insert into orders (customer, amount, status) values (?, 10.50, 'new')", "c" + i);
		}
		this.jdbc.update("update orders set status = 'paid'");

		// returns once lode's listeners processed everything committed above: no polling
		this.lode.awaitProcessed(Duration.ofSeconds(30));
		assertThat(this.feed.recent()).extracting(Order::customer).containsExactly("c0", "c1", "c2");

		Map<String, Object> health = this.rest.getForObject("/actuator/health", Map.class);
		Map<String, Object> lode = (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("lode");
		assertThat(lode.get("status")).isEqualTo("UP");
		Map<String, Object> details = (Map<String, Object>) lode.get("details");
		assertThat(details).containsEntry("state", "STREAMING")
			.containsEntry("slot", "lode_sample_test")
			.containsKeys("lastReceivedLsn", "lastAcknowledgedLsn", "retainedWalBytes", "walStatus",
					"lastChangeAgeMillis", "reconnects");
		assertThat(((Number) details.get("retainedWalBytes")).longValue()).isGreaterThanOrEqualTo(0);
		assertThat(details.toString()).doesNotContain("password");

		assertThat(measurement("lode.transactions", null)).isGreaterThanOrEqualTo(4);
		assertThat(measurement("lode.changes", "tag=table:orders&tag=kind:insert")).isEqualTo(3);
		assertThat(measurement("lode.changes", "tag=table:orders&tag=kind:update")).isEqualTo(3);
		assertThat(measurement("lode.listener", "tag=outcome:success")).isGreaterThanOrEqualTo(6);
		assertThat(measurement("lode.commit.delay", null)).isGreaterThanOrEqualTo(1);
		assertThat(measurement("lode.replication.lag", null)).isGreaterThanOrEqualTo(0);
		assertThat(measurement("lode.reconnects", null)).isEqualTo(0);
	}

	@Test
	@SuppressWarnings("unchecked")
	void theLodeEndpointListsTheSlotAndTheListeners() {
		Map<String, Object> lode = this.rest.getForObject("/actuator/lode", Map.class);
		assertThat(lode).containsEntry("slot", "lode_sample_test")
			.containsEntry("plugin", "wal2json v2")
			.containsEntry("state", "STREAMING")
			.containsKey("positions");
		assertThat((List<Map<String, Object>>) lode.get("listeners")).extracting((listener) -> listener.get("id"))
			.containsExactly("OrderChangeListener.onChangedOrder", "OrderChangeListener.onExistingOrder",
					"OrderChangeListener.onNewOrder", "order-feed");
		assertThat(lode.toString()).doesNotContain("password");
		assertThat(this.rest.getForObject("/actuator/lode", String.class)).as("unknown values are left out")
			.doesNotContain("null");
	}

	@Test
	@SuppressWarnings("unchecked")
	void theLodeEndpointStartsASnapshot() {
		Map<String, Object> started = this.rest.postForObject("/actuator/lode/snapshot", "{\"tables\": \"orders\"}",
				Map.class);
		assertThat(started).as("POST /actuator/lode/snapshot").isNotNull().containsKey("snapshotId")
			.containsEntry("tables", List.of("orders"));
	}

	@SuppressWarnings("unchecked")
	private double measurement(String meter, String tags) {
		Map<String, Object> body = this.rest.getForObject("/actuator/metrics/" + meter + ((tags != null) ? "?" + tags : ""),
				Map.class);
		assertThat(body).as("meter %s", meter).isNotNull().containsKey("measurements");
		return first(body);
	}

	@SuppressWarnings("unchecked")
	private static double first(Map<?, ?> body) {
		List<Map<String, Object>> measurements = (List<Map<String, Object>>) body.get("measurements");
		return ((Number) measurements.get(0).get("value")).doubleValue();
	}

	private final class Http {

		private final LocalHttp client = new LocalHttp();

		private final JsonMapper json = new JsonMapper();

		<T> T getForObject(String path, Class<T> type) {
			return send(java.net.http.HttpRequest
				.newBuilder(java.net.URI.create("http://127.0.0.1:" + SampleApplicationTests.this.port + path))
				.build(), type);
		}

		<T> T postForObject(String path, String json, Class<T> type) {
			return send(java.net.http.HttpRequest
				.newBuilder(java.net.URI.create("http://127.0.0.1:" + SampleApplicationTests.this.port + path))
				.header("Content-Type", "application/json")
				.POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
				.build(), type);
		}

		private <T> T send(java.net.http.HttpRequest request, Class<T> type) {
			java.net.http.HttpResponse<String> response = this.client.send(request);
			if (response.statusCode() != 200) {
				return null;
			}
			return (type == String.class) ? type.cast(response.body()) : this.json.readValue(response.body(), type);
		}
	}

}
