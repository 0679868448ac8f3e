package dev.lode.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium for the page tests: Debian's {@code chromium} and {@code chromium-driver}
 * packages (or the executables named by {@code LODE_TEST_CHROMIUM} and {@code LODE_TEST_CHROMEDRIVER}).
 * Selenium is given both paths, so it downloads nothing. Missing browsers fail the test, never skip it.
 */
final class Browser {

	private Browser() {
	}

	static ChromeDriver start() {
		Path chromium = executable("LODE_TEST_CHROMIUM", "/usr/bin/chromium");
		Path driver = executable("LODE_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium.toFile());
		// --no-sandbox: CI runs as root, where Chromium's sandbox cannot start
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1200,760", "--hide-scrollbars");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
			.usingAnyFreePort()
			.withTimeout(Duration.ofSeconds(60))
			.build();
		return new ChromeDriver(service, options);
	}

	private static Path executable(String variable, String fallback) {
		String configured = System.getenv(variable);
		Path path = Path.of((configured != null && !configured.isBlank()) ? configured : fallback);
		if (!Files.isExecutable(path)) {
			throw new IllegalStateException("The sample page tests need a headless Chromium and its driver, but "
					+ path + " is not there. Install them (Debian/Ubuntu: apt-get install -y chromium chromium-driver;"
					+ " .ci/run does so when they are missing), or point " + variable + " at the executable.");
		}
		return path;
	}

}
