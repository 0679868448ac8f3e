package dev.lode.sample;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import dev.lode.test.WithPostgres;
import dev.lode.testing.LodeSync;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's {@code SecurityFilterChain} with {@code spring-boot-starter-security}: the write operations of the
 * {@code lode} endpoint answer 401 without credentials, 403 without the {@code OPERATOR} role and 200 with it (a
 * POST without a CSRF token: the chain ignores CSRF for the actuator's endpoints); health stays open.
 */
@WithPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.generate-orders=false", "sample.embedded-database=false",
				"lode.slot.name=lode_sample_security", "lode.status-interval=1s",
				// the tests' application.properties leaves Security out for the other tests
				"spring.autoconfigure.exclude=" })
class SampleSecurityTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		SampleDatabase.register(registry, "security");
	}

	private final LocalHttp http = new LocalHttp();

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private LodeSync lode;

	@Autowired
	private OrderFeed feed;

	@Test
	void withoutCredentialsTheWriteOperationsAre401() {
		assertThat(post("pause", null).statusCode()).isEqualTo(401);
		assertThat(post("resume", null).statusCode()).isEqualTo(401);
		assertThat(post("snapshot", null).statusCode()).isEqualTo(401);
		assertThat(get("/actuator/lode", null).statusCode()).isEqualTo(401);
		assertThat(get("/actuator/health", null).statusCode()).as("health stays open").isEqualTo(200);
	}

	@Test
	void withoutTheOperatorRoleTheWriteOperationsAre403() {
		String viewer = basic("viewer", "viewer-secret");
		assertThat(post("pause", viewer).statusCode()).isEqualTo(403);
		assertThat(post("resume", viewer).statusCode()).isEqualTo(403);
		assertThat(post("snapshot", viewer).statusCode()).isEqualTo(403);
		assertThat(body(get("/actuator/health", viewer))).contains("\"status\":\"UP\"");
		assertStreams("after-viewer");
	}

	@Test
	void withTheOperatorRoleTheWriteOperationsAre200() {
		String operator = basic("operator", "operator-secret");
		HttpResponse<String> paused = post("pause", operator);
		assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
		assertThat(paused.body()).contains("\"state\":\"PAUSED\"");
		HttpResponse<String> resumed = post("resume", operator);
		assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
		assertThat(resumed.body()).contains("\"state\":\"STREAMING\"");
		HttpResponse<String> snapshot = post("snapshot", operator);
		assertThat(snapshot.statusCode()).as(snapshot.body()).isEqualTo(200);
		assertThat(snapshot.body()).contains("\"snapshotId\"");
		assertThat(get("/actuator/lode", operator).statusCode()).isEqualTo(200);
		assertStreams("after-operator");
	}

	private void assertStreams(String customer) {
		this.jdbc.update("insert into orders (customer, amount, status) values (?, 1.00, 'new')", customer);
		this.lode.awaitProcessed(Duration.ofSeconds(30));
		assertThat(this.feed.recent()).extracting(Order::customer).contains(customer);
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private HttpResponse<String> post(String operation, String authorization) {
		String body = operation.equals("snapshot") ? "{\"tables\": \"orders\"}" : "";
		HttpRequest.Builder request = HttpRequest.newBuilder(uri("/actuator/lode/" + operation))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		return send(request, authorization);
	}

	private HttpResponse<String> get(String path, String authorization) {
		return send(HttpRequest.newBuilder(uri(path)), authorization);
	}

	private static String body(HttpResponse<String> response) {
		return response.body();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> send(HttpRequest.Builder request, String authorization) {
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build());
	}

	/** The README's configuration ("Securing the write operations"), as it is written there. */
	@TestConfiguration(proxyBeanMethods = false)
	static class ManagementSecurity {

		@Bean
		SecurityFilterChain managementSecurity(HttpSecurity http) throws Exception {
			http.securityMatcher(EndpointRequest.toAnyEndpoint())
				.authorizeHttpRequests((requests) -> requests
					.requestMatchers(EndpointRequest.to("health")).permitAll()
					.anyRequest().hasRole("OPERATOR"))
				.csrf((csrf) -> csrf.ignoringRequestMatchers(EndpointRequest.toAnyEndpoint()))
				.httpBasic(Customizer.withDefaults());
			return http.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("operator").password("{noop}operator-secret").roles("OPERATOR").build(),
					User.withUsername("viewer").password("{noop}viewer-secret").roles("VIEWER").build());
		}

	}

}
