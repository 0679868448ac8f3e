package dev.lode.spring;

import dev.lode.core.WalChange;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unusable {@code @OnWalChange} methods fail startup with a message naming the method. No server is
 * needed: listeners are validated before the replication container starts.
 */
class InvalidListenerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LodeAutoConfiguration.class))
		.withPropertyValues("lode.url=jdbc:postgresql://127.0.0.1:1/never", "lode.auto-startup=false");

	@Test
	void aListenerWithAnUnsupportedParameterFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(StringParameter.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidListenerMethodException.class)
				.hasMessageContaining("dev.lode.spring.InvalidListenerTests$StringParameter.onChange(String)")
				.hasMessageContaining("WalChange"));
	}

	@Test
	void aListenerThatReturnsAValueFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(ReturnsValue.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidListenerMethodException.class)
				.hasMessageContaining("ReturnsValue.onChange(WalChange)")
				.hasMessageContaining("must return void"));
	}

	@Test
	void anAsyncListenerFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(AsyncListener.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidListenerMethodException.class)
				.hasMessageContaining("AsyncListener.onChange(WalChange)")
				.hasMessageContaining("@Async"));
	}

	@Test
	void aListenerWithTwoParametersFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(TwoParameters.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidListenerMethodException.class)
				.hasMessageContaining("TwoParameters.onChange(WalChange, WalChange)"));
	}

	@Test
	void validListenersStart() {
		this.runner.withUserConfiguration(Valid.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(WalChangeListenerFactory.class).getListeners())
				.extracting(WalChangeListenerMethodAdapter::getListenerId)
				.containsExactlyInAnyOrder("Valid.withChange", "Valid.withoutParameter");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class StringParameter {

		@OnWalChange(table = "orders")
		void onChange(String change) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReturnsValue {

		@OnWalChange(table = "orders")
		String onChange(WalChange change) {
			return "no";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncListener {

		@Async
		@OnWalChange(table = "orders")
		void onChange(WalChange change) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoParameters {

		@OnWalChange(table = "orders")
		void onChange(WalChange a, WalChange b) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Valid {

		@OnWalChange(table = "orders")
		void withChange(WalChange change) {
		}

		@OnWalChange(table = "orders")
		void withoutParameter() {
		}

	}

}
