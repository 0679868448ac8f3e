package dev.lode.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.lode.test.WithPostgres;
import dev.lode.testing.LodeSync;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code curl} lines of the README, taken from README.md (so they cannot drift from what is tested) and run
 * as written with bash and curl against the sample app; only {@code localhost:8080} becomes the test's port.
 * Each must answer 2xx (curl's {@code --fail-with-body} is added), and the application streams on afterwards.
 */
@WithPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.generate-orders=false", "sample.embedded-database=false",
				"lode.slot.name=lode_sample_readme", "lode.status-interval=1s" })
class ReadmeCommandsTests {

	private static final Path README = Path.of("..", "README.md");

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		SampleDatabase.register(registry, "readme");
	}

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private LodeSync lode;

	@Autowired
	private OrderFeed feed;

	@Test
	void theReadmesCurlCommandsWorkAsWritten() throws Exception {
		List<String> commands = curlCommands(Files.readString(README, StandardCharsets.UTF_8));
		assertThat(commands).as("curl commands in README.md").hasSizeGreaterThanOrEqualTo(4)
			.anyMatch((command) -> command.contains("/actuator/lode/pause"))
			.anyMatch((command) -> command.contains("/actuator/lode/resume"))
			.anyMatch((command) -> command.contains("/actuator/lode/snapshot"));
		for (String command : commands) {
			String output = run(command.replace("localhost:8080", "127.0.0.1:" + this.port));
			if (command.contains("/actuator/lode/snapshot")) {
				assertThat(output).contains("\"snapshotId\"");
			}
		}
		this.jdbc.update("insert into orders (customer, amount, status) values ('after-readme', 1.00, 'new')");
		this.lode.awaitProcessed(Duration.ofSeconds(30));
		assertThat(this.feed.recent()).extracting(Order::customer).contains("after-readme");
	}

	@Test
	void withoutTheContentTypeAWriteOperationIs415() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/lode/pause"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("what the README says about the header").isEqualTo(415);
	}

	/** The lines of ```sh blocks that start with {@code curl}, with their continuation lines. */
	static List<String> curlCommands(String markdown) {
		List<String> commands = new ArrayList<>();
		boolean inShell = false;
		StringBuilder command = null;
		for (String line : markdown.split("\n")) {
			String stripped = line.strip();
			if (stripped.startsWith("```")) {
				inShell = !inShell && stripped.equals("```sh");
				continue;
			}
			if (!inShell) {
				continue;
			}
			if (command == null && stripped.startsWith("curl ")) {
				command = new StringBuilder();
			}
			if (command != null) {
				command.append(line).append('\n');
				if (!stripped.endsWith("\\")) {
					commands.add(command.toString());
					command = null;
				}
			}
		}
		return commands;
	}

	/** Runs the command with bash, curl failing (with the body) on any status but 2xx; returns what it printed. */
	private static String run(String command) throws IOException, InterruptedException {
		String script = "set -eo pipefail\ncurl() { command curl --silent --show-error --fail-with-body \"$@\"; }\n"
				+ command;
		Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("%s%nprinted: %s", command, output).isZero();
		return output;
	}

}
