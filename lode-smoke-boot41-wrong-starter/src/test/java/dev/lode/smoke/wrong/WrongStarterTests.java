package dev.lode.smoke.wrong;

import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.stereotype.Component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A Spring Boot 4.1 application with {@code lode-spring-boot3-starter} (built for Boot 3.5, which would fail on
 * a Boot type that moved) does not start: the message names {@code lode-spring-boot-starter}.
 */
@ExtendWith(OutputCaptureExtension.class)
class WrongStarterTests {

	@Test
	void startupStopsBeforeAnythingIsConfiguredAndNamesTheStarterToUse(CapturedOutput output) {
		SpringApplication application = new SpringApplication(WrongStarterApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);

		Throwable failure = catchThrowable(
				() -> application.run("--lode.url=jdbc:postgresql://127.0.0.1:1/none", "--lode.slot.name=wrong"));

		assertThat(failure).isInstanceOf(IllegalStateException.class)
			.hasMessage("lode-spring-boot3-starter is for Spring Boot 3.5, and this application runs Spring Boot "
					+ SpringBootVersion.getVersion() + ": use the dependency dev.lode:lode-spring-boot-starter")
			.hasNoCause();
		assertThat(failure.getClass().getName()).isEqualTo("dev.lode.spring.boot.autoconfigure.BootLineMismatchException");
		// thrown while SpringApplication applied the initializers: before any bean definition was read
		assertThat(failure.getStackTrace()).extracting(StackTraceElement::getMethodName)
			.contains("applyInitializers")
			.doesNotContain("refresh");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Replace the dependency dev.lode:lode-spring-boot3-starter with dev.lode:lode-spring-boot-starter (same version).")
			.doesNotContain("127.0.0.1:1");
		System.out.println("The wrong starter stops on Spring Boot " + SpringBootVersion.getVersion());
	}

	@SpringBootApplication
	static class WrongStarterApplication {

		@Component
		static class Listener {

			@OnWalChange(table = "orders")
			void onOrder(WalChange change) {
			}

		}

	}

}
