package dev.lode.sample;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.boot.autoconfigure.endpoint.LodeEndpointWebExtension;
import dev.lode.test.WithPostgres;
import dev.lode.testing.LodeSync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /actuator/lode/{operation}} with bad input or at the wrong moment, over HTTP as an operator sends
 * it: a 400 (bad input) or 409 (conflict with the state) whose body carries lode's message and the fix, one WARN
 * line without a stack trace in the log, and the application streams on.
 */
@WithPostgres
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.generate-orders=false", "sample.embedded-database=false",
				"lode.slot.name=lode_sample_requests", "lode.status-interval=1s",
				"spring.sql.init.schema-locations=classpath:schema.sql,classpath:requests-schema.sql" })
class SampleEndpointRequestsTests {

	private static final AtomicInteger customers = new AtomicInteger();

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		SampleDatabase.register(registry, "requests");
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
	private OrderFeed feed;

	private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

	@BeforeEach
	void recordTheEndpointsLog() {
		this.warnings.start();
		endpointLogger().addAppender(this.warnings);
	}

	@AfterEach
	void stopRecording() {
		endpointLogger().detachAppender(this.warnings);
	}

	private static Logger endpointLogger() {
		return (Logger) LoggerFactory.getLogger(LodeEndpointWebExtension.class);
	}

	@Test
	void anUnknownOperationIsA400NamingTheOperations(CapturedOutput output) {
		assertRefused(post("bogus", null), 400, "Unknown operation 'bogus': use pause, resume or snapshot");
		assertRefused(post("PAUSE", null), 400, "Unknown operation 'PAUSE': use pause, resume or snapshot");
		assertWarned(output, "POST /actuator/lode/bogus refused with 400 Bad Request: Unknown operation 'bogus'",
				"POST /actuator/lode/PAUSE refused with 400 Bad Request: Unknown operation 'PAUSE'");
		assertStillStreams();
	}

	@Test
	void aSnapshotWithoutTablesIsA400SayingWhatToSend(CapturedOutput output) {
		assertRefused(post("snapshot", "{}"), 400, "Name the tables to read: {\"tables\": \"orders,public.customers\"}");
		assertRefused(post("snapshot", "{\"tables\": \"\"}"), 400, "Name the tables to read");
		assertRefused(post("snapshot", "{\"tables\": \" , \"}"), 400, "Name the tables to read");
		String refused = "POST /actuator/lode/snapshot refused with 400 Bad Request: Name the tables";
		assertWarned(output, refused, refused, refused);
		assertStillStreams();
	}

	@Test
	void aSnapshotOfATableThatDoesNotExistIsA400(CapturedOutput output) {
		assertRefused(post("snapshot", "{\"tables\": \"customers\"}"), 400, "Table 'customers' does not exist");
		assertWarned(output, "POST /actuator/lode/snapshot refused with 400 Bad Request: Table 'customers'");
		assertStillStreams();
	}

	@Test
	void aSnapshotOfATableWithoutPrimaryKeyIsA400(CapturedOutput output) {
		assertRefused(post("snapshot", "{\"tables\": \"order_notes\"}"), 400, "order_notes has no primary key");
		assertWarned(output, "refused with 400 Bad Request: Table public.order_notes has no primary key");
		assertStillStreams();
	}

	@Test
	void aSnapshotOfATableNoListenerTakesSnapshotRowsOfIsA400NamingTheFix(CapturedOutput output) {
		HttpResponse<String> response = post("snapshot", "{\"tables\": \"order_events\"}");
		assertRefused(response, 400, "No listener of public.order_events receives SNAPSHOT rows (its listeners take [INSERT])");
		assertThat(message(response)).contains("Add ChangeKind.SNAPSHOT");
		assertWarned(output, "refused with 400 Bad Request: No listener of public.order_events receives SNAPSHOT rows");
		assertStillStreams();
	}

	@Test
	void resumeWhenNotPausedAndPauseWhenPausedAre409(CapturedOutput output) {
		assertRefused(post("resume", null), 409, "lode is not paused (state STREAMING), so there is nothing to resume");
		assertThat(post("pause", null).statusCode()).isEqualTo(200);
		try {
			assertRefused(post("pause", null), 409, "lode is paused already (state PAUSED)");
		}
		finally {
			HttpResponse<String> resumed = post("resume", null);
			assertThat(resumed.statusCode()).isEqualTo(200);
			assertThat(body(resumed)).containsEntry("state", "STREAMING");
		}
		assertWarned(output, "POST /actuator/lode/resume refused with 409 Conflict: lode is not paused",
				"POST /actuator/lode/pause refused with 409 Conflict: lode is paused already");
		assertStillStreams();
	}

	@Test
	void aSnapshotOfATableWithASnapshotListenerIsStarted() {
		HttpResponse<String> response = post("snapshot", "{\"tables\": \"orders\"}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(body(response)).containsKey("snapshotId");
		assertStillStreams();
	}

	/** A new order still reaches the listeners, and lode is streaming. */
	private void assertStillStreams() {
		String customer = "after-" + customers.incrementAndGet();
		this.jdbc.update("insert into orders (customer, amount, status) values (?, 1.00, 'new')", customer);
		this.lode.awaitProcessed(Duration.ofSeconds(30));
		assertThat(this.feed.recent()).extracting(Order::customer).contains(customer);
		assertThat(body(get("/actuator/lode"))).containsEntry("state", "STREAMING");
	}

	private void assertRefused(HttpResponse<String> response, int status, String message) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(body(response)).containsEntry("status", status);
		assertThat(message(response)).contains(message);
	}

	/** One WARN line per refused request, in this order, without a stack trace (neither attached nor printed). */
	private void assertWarned(CapturedOutput output, String... lines) {
		assertThat(this.warnings.list).hasSize(lines.length);
		for (int i = 0; i < lines.length; i++) {
			ILoggingEvent event = this.warnings.list.get(i);
			assertThat(event.getLevel()).isEqualTo(Level.WARN);
			assertThat(event.getFormattedMessage()).contains(lines[i]);
			assertThat(event.getThrowableProxy()).isNull();
			assertThat(output.getOut()).contains(event.getFormattedMessage());
		}
		assertThat(output.getOut()).doesNotContain("\tat ").doesNotContain("Exception:");
	}

	private String message(HttpResponse<String> response) {
		return String.valueOf(body(response).get("message"));
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> body(HttpResponse<String> response) {
		return this.json.readValue(response.body(), Map.class);
	}

	private HttpResponse<String> post(String operation, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri("/actuator/lode/" + operation))
			.header("Content-Type", "application/json");
		return send(request.POST((body != null) ? HttpRequest.BodyPublishers.ofString(body)
				: HttpRequest.BodyPublishers.noBody()).build());
	}

	private HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).build());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> send(HttpRequest request) {
		return this.http.send(request);
	}

	/** A listener that takes only the new rows of {@code order_events}: a snapshot of it would be read for nobody. */
	@TestConfiguration(proxyBeanMethods = false)
	static class OrderEvents {

		@OnWalChange(table = "order_events", kind = ChangeKind.INSERT)
		void onEvent(WalChange change) {
		}

	}

}
