package dev.lode.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;

import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample page in a real headless browser: it shows lode's health, and an order inserted with JDBC
 * appears on it through lode, the {@code @OnWalChange} listener and server-sent events.
 */
@WithPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.generate-orders=false", "sample.embedded-database=false", "lode.slot.name=lode_sample_page",
				"lode.status-interval=1s" })
class SamplePageTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		SampleDatabase.register(registry, "samplepage");
	}

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private JdbcTemplate jdbc;

	private ChromeDriver browser;

	@BeforeEach
	void openBrowser() {
		this.browser = Browser.start();
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void anInsertedOrderAppearsOnThePageAndTheHealthIsShown() throws Exception {
		this.browser.get("http://127.0.0.1:" + this.port + "/");
		WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(30));
		wait.until(ExpectedConditions.textToBe(By.id("stream-status"), "live"));
		wait.until(ExpectedConditions.textToBe(By.id("health-status"), "UP"));
		assertThat(this.browser.findElement(By.cssSelector("tr[data-detail='state']")).getText()).contains("STREAMING");

		String customer = "page-" + UUID.randomUUID().toString().substring(0, 8);
		Long id = this.jdbc.queryForObject(
				"insert into orders (customer, amount, status) values (?, 42.50, 'new') returning id", Long.class,
				customer);

		WebElement order = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("order-" + id)));
		assertThat(order.getText()).contains("#" + id).contains(customer).contains("42.50");

		// two more, for the screenshot (docs/sample-page.png is one)
		for (String other : new String[] { "alice", "bob" }) {
			Long next = this.jdbc.queryForObject(
					"insert into orders (customer, amount, status) values (?, 17.90, 'new') returning id", Long.class,
					other);
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("order-" + next)));
		}
		Path screenshot = this.browser.getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(screenshot, Path.of("target", "sample-page.png"), StandardCopyOption.REPLACE_EXISTING);
	}

}
