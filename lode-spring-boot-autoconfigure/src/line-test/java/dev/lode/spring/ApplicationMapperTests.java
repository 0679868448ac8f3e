package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Boot 4: records bind with the application's Jackson 3 {@code JsonMapper} bean, so its modules
 * apply (here a deserializer of the application's own type).
 */
@WithPostgres
class ApplicationMapperTests extends LodeTestApps {

	@Test
	void recordsBindWithTheApplicationsJsonMapperAndItsModules() {
		ConfigurableApplicationContext context = start(Listener.class);
		Listener listener = context.getBean(Listener.class);
		sql("insert into orders values (1, 'alice', 12.50, 'new')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.orders.size() == 1);
		assertThat(listener.orders.get(0)).isEqualTo(new Order(1, new Customer("customer:alice")));
	}

	record Customer(String name) {

	}

	record Order(int id, Customer customer) {

	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		final List<Order> orders = new CopyOnWriteArrayList<>();

		@Bean
		JsonMapper applicationJsonMapper() {
			return JsonMapper.builder()
				.addModule(new SimpleModule().addDeserializer(Customer.class, new ValueDeserializer<Customer>() {

					@Override
					public Customer deserialize(JsonParser parser, DeserializationContext context) {
						return new Customer("customer:" + parser.getString());
					}

				}))
				.build();
		}

		@OnWalChange(table = "orders")
		void onOrder(Order order) {
			this.orders.add(order);
		}

	}

}
