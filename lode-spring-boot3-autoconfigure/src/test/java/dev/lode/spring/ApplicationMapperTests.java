package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Boot 3.5: records bind with the application's Jackson 2 {@code ObjectMapper} bean, so its
 * modules apply (here a deserializer of the application's own type).
 */
@WithPostgres
class ApplicationMapperTests extends LodeTestApps {

	@Test
	void recordsBindWithTheApplicationsObjectMapperAndItsModules() {
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
		ObjectMapper applicationObjectMapper() {
			return new ObjectMapper()
				.registerModule(new SimpleModule().addDeserializer(Customer.class, new JsonDeserializer<Customer>() {

					@Override
					public Customer deserialize(JsonParser parser, DeserializationContext context) throws IOException {
						return new Customer("customer:" + parser.getText());
					}

				}));
		}

		@OnWalChange(table = "orders")
		void onOrder(Order order) {
			this.orders.add(order);
		}

	}

}
