package dev.lode.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

/**
 * Stops an application whose Spring Boot line is not the one this jar was built for, before anything of lode
 * (or of the application) is configured: with {@code lode-spring-boot3-starter} on Boot 4 the auto-configuration
 * would fail on a type that moved, and with {@code lode-spring-boot-starter} on Boot 3.5 it would start without
 * its health contribution. The message names the starter to use instead.
 *
 * <p>An {@link ApplicationContextInitializer} (registered in {@code META-INF/spring.factories}): its contract
 * and key are the same on both Boot lines, and {@code SpringApplication} applies it after the environment is
 * prepared and before the context's bean definitions are read, inside its failure handling, so that
 * {@link BootLineFailureAnalyzer} reports it.
 *
 * @since 0.1.0
 */
public class BootLineCheck implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		String running = SpringBootVersion.getVersion();
		String problem = (running != null) ? problem(StarterLine.BOOT_MAJOR, running) : null;
		if (problem != null) {
			throw new BootLineMismatchException(problem, starterFor(StarterLine.BOOT_MAJOR),
					starterFor(major(running)));
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * @param builtFor the Boot major version the starter was built for
	 * @param running the version of Spring Boot the application runs
	 * @return what is wrong, or {@code null} when the starter fits
	 */
	static @Nullable String problem(int builtFor, String running) {
		int major = major(running);
		if (major == builtFor) {
			return null;
		}
		String starter = starterFor(builtFor);
		String right = starterFor(major);
		String use = (right != null) ? "use the dependency dev.lode:" + right
				: "no lode starter supports Spring Boot " + ((major > 0) ? major + ".x" : running)
						+ " (lode-spring-boot-starter: Spring Boot 4.x, lode-spring-boot3-starter: Spring Boot 3.5)";
		return starter + " is for Spring Boot " + lineOf(builtFor) + ", and this application runs Spring Boot "
				+ running + ": " + use;
	}

	static int major(String version) {
		int end = 0;
		while (end < version.length() && Character.isDigit(version.charAt(end))) {
			end++;
		}
		return (end > 0 && end < 9) ? Integer.parseInt(version.substring(0, end)) : -1;
	}

	static @Nullable String starterFor(int major) {
		return switch (major) {
			case 4 -> "lode-spring-boot-starter";
			case 3 -> "lode-spring-boot3-starter";
			default -> null;
		};
	}

	private static String lineOf(int major) {
		return (major == 3) ? "3.5" : major + ".x";
	}

}
