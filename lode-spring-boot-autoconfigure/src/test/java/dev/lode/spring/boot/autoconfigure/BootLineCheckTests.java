package dev.lode.spring.boot.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * {@link BootLineCheck} on both Boot lines (these tests run in each auto-configure module): the starter's own
 * line passes, another line gets the sentence that names the right starter. The wrong pairings themselves
 * start real applications in lode-smoke-boot35-wrong-starter and
 * lode-smoke-boot41-wrong-starter.
 */
class BootLineCheckTests {

	@Test
	void passesOnTheLineTheJarWasBuiltFor() {
		assertThat(BootLineCheck.major(SpringBootVersion.getVersion())).isEqualTo(StarterLine.BOOT_MAJOR);
		assertThatNoException().isThrownBy(() -> new BootLineCheck().initialize(new GenericApplicationContext()));
	}

	@Test
	void isRegisteredForEverySpringApplication() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(ApplicationContextInitializer.class)).anyMatch(BootLineCheck.class::isInstance);
		assertThat(new SpringApplication().getInitializers()).anyMatch(BootLineCheck.class::isInstance);
	}

	@Test
	void namesTheRightStarterOnTheOtherLine() {
		assertThat(BootLineCheck.problem(4, "3.5.16")).isEqualTo("lode-spring-boot-starter is for Spring Boot 4.x,"
				+ " and this application runs Spring Boot 3.5.16: use the dependency dev.lode:lode-spring-boot3-starter");
		assertThat(BootLineCheck.problem(3, "4.1.2")).isEqualTo("lode-spring-boot3-starter is for Spring Boot 3.5,"
				+ " and this application runs Spring Boot 4.1.2: use the dependency dev.lode:lode-spring-boot-starter");
		assertThat(BootLineCheck.problem(4, "4.0.7")).isNull();
		assertThat(BootLineCheck.problem(3, "3.5.16")).isNull();
	}

	@Test
	void saysWhenNoStarterFits() {
		assertThat(BootLineCheck.problem(4, "2.7.18")).isEqualTo("lode-spring-boot-starter is for Spring Boot 4.x,"
				+ " and this application runs Spring Boot 2.7.18: no lode starter supports Spring Boot 2.x"
				+ " (lode-spring-boot-starter: Spring Boot 4.x, lode-spring-boot3-starter: Spring Boot 3.5)");
		assertThat(BootLineCheck.problem(3, "5.0.0-M1")).contains("no lode starter supports Spring Boot 5.x");
	}

	@Test
	void theFailureAnalysisSaysWhichDependencyToReplace() {
		BootLineMismatchException mismatch = new BootLineMismatchException(BootLineCheck.problem(4, "3.5.16"),
				"lode-spring-boot-starter", "lode-spring-boot3-starter");
		FailureAnalysis analysis = new BootLineFailureAnalyzer().analyze(new IllegalStateException(mismatch));
		assertThat(analysis.getDescription()).isEqualTo(mismatch.getMessage());
		assertThat(analysis.getAction()).startsWith("Replace the dependency dev.lode:lode-spring-boot-starter"
				+ " with dev.lode:lode-spring-boot3-starter (same version).");
		assertThat(List.of(analysis.getCause())).containsExactly(mismatch);
	}

}
