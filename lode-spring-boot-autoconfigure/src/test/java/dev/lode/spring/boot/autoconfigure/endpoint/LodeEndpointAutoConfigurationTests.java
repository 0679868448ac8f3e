package dev.lode.spring.boot.autoconfigure.endpoint;

import dev.lode.core.ChangeKind;
import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the {@code lode} endpoint exists, and what it says before streaming starts (no server needed:
 * {@code lode.auto-startup=false}).
 */
class LodeEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LodeAutoConfiguration.class, LodeEndpointAutoConfiguration.class))
		.withPropertyValues("lode.auto-startup=false", "lode.url=jdbc:postgresql://db.example:5432/shop",
				"lode.password=s3cret-pw");

	private final ApplicationContextRunner exposed = this.runner
		.withPropertyValues("management.endpoints.web.exposure.include=lode");

	@Test
	void notAvailableUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(LodeEndpoint.class)
			.doesNotHaveBean(LodeEndpointWebExtension.class));
	}

	@Test
	void availableWhenExposed() {
		this.exposed.run((context) -> assertThat(context).hasSingleBean(LodeEndpoint.class)
			.hasSingleBean(LodeEndpointWebExtension.class));
	}

	@Test
	void notAvailableWhenAccessIsNone() {
		this.exposed.withPropertyValues("management.endpoint.lode.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(LodeEndpoint.class));
	}

	@Test
	void backsOffWithoutActuator() {
		this.exposed.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LodeEndpoint.class));
	}

	@Test
	void backsOffWhenLodeIsDisabled() {
		this.exposed.withPropertyValues("lode.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LodeEndpoint.class));
	}

	@Test
	void backsOffForAUserEndpoint() {
		this.exposed.withUserConfiguration(UserEndpoint.class)
			.run((context) -> assertThat(context).getBean(LodeEndpoint.class)
				.isSameAs(context.getBean(UserEndpoint.class).endpoint));
	}

	@Test
	void describesTheSlotThePluginTheStateAndTheListenersBeforeStreaming() {
		this.exposed.withPropertyValues("lode.slot.name=shop_slot", "lode.plugin=pgoutput")
			.withUserConfiguration(Listeners.class)
			.run((context) -> {
				LodeDescriptor lode = context.getBean(LodeEndpoint.class).lode();
				String bean = context.getBeanNamesForType(Listeners.class)[0];
				assertThat(lode.slot()).isEqualTo("shop_slot");
				assertThat(lode.plugin()).isEqualTo("pgoutput");
				assertThat(lode.state()).isEqualTo("NEW");
				assertThat(lode.positions().received()).isNull();
				assertThat(lode.positions().slotExists()).isNull();
				assertThat(lode.listeners()).containsExactly(
						new ListenerDescriptor("Listeners.onChanges", "change", bean,
								"Listeners.onChanges(WalChange)", "", List.of(), allKinds(), null, Integer.MAX_VALUE),
						new ListenerDescriptor("big-orders", "change", bean, "Listeners.onBigOrder(WalChange)",
								"shop", List.of("orders", "refunds"), List.of("INSERT", "UPDATE"),
								"row['amount'] > 100", 5),
						new ListenerDescriptor("Listeners.onTransaction", "transaction", bean,
								"Listeners.onTransaction(List)", "", List.of("orders"), List.of("INSERT"), null,
								Integer.MAX_VALUE));
				assertThat(lode.toString()).doesNotContain("s3cret").doesNotContain("password");
				// before the first change: no position is known, and none is shown as null
				String json = BootLine.json(lode);
				assertThat(json).doesNotContain("null").contains("\"positions\":{}").contains("\"slot\":\"shop_slot\"");
				assertThat(json).contains("\"condition\":\"row['amount'] > 100\"");
			});
	}

	private static List<String> allKinds() {
		return Arrays.stream(ChangeKind.values()).map(Enum::name).sorted().toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpoint {

		final LodeEndpoint endpoint = org.mockito.Mockito.mock(LodeEndpoint.class);

		@Bean
		LodeEndpoint myLodeEndpoint() {
			return this.endpoint;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@OnWalChange(id = "big-orders", schema = "shop", table = { "refunds", "orders" },
				kind = { ChangeKind.UPDATE, ChangeKind.INSERT }, condition = "row['amount'] > 100")
		@Order(5)
		void onBigOrder(WalChange change) {
		}

		@OnWalChange
		void onChanges(WalChange change) {
		}

		@OnWalTransaction(table = "orders", kind = ChangeKind.INSERT)
		void onTransaction(List<WalChange> changes) {
		}

	}

}
