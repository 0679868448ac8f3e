package dev.lode.spring.binding;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Row binding with Jackson 3 (Spring Boot 4's mapper): the application's mapper and its modules apply,
 * columns find their properties whatever naming strategy the application chose.
 */
class Jackson3RowBindersTests {

	record Order(long orderId, String addressLine1, Integer cInt2d, Status status, Instant placedAt, Money total) {

	}

	enum Status {

		NEW, PAID

	}

	record Money(String text) {

	}

	@Test
	void theApplicationsMapperAndItsModulesBindTheRow() {
		SimpleModule money = new SimpleModule().addDeserializer(Money.class, new ValueDeserializer<Money>() {

			@Override
			public Money deserialize(JsonParser parser, DeserializationContext context) {
				return new Money("money:" + parser.getString());
			}

		});
		// the application names JSON in kebab case; row binding still finds the columns
		JsonMapper application = JsonMapper.builder()
			.addModule(money)
			.propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
			.build();
		Map<String, Object> row = new HashMap<>();
		row.put("order_id", 7L);
		row.put("address_line_1", "Main Street 1");
		row.put("c_int_2d", 42);
		row.put("status", "paid");
		row.put("placed_at", OffsetDateTime.of(2024, 7, 1, 12, 0, 0, 0, ZoneOffset.UTC));
		row.put("total", "12.50 EUR");
		row.put("ignored_column", new Object());

		Object bound = new Jackson3RowBinders(application).forType(Order.class)
			.bind(row, new WalChange("public", "orders", ChangeKind.INSERT, row, Map.of(), Map.of(),
					new TransactionInfo(1, Lsn.INVALID, null), Lsn.INVALID));

		assertThat(bound).isEqualTo(new Order(7, "Main Street 1", 42, Status.PAID, Instant.parse("2024-07-01T12:00:00Z"),
				new Money("money:12.50 EUR")));
	}

	@Test
	void aValueThatDoesNotConvertNamesTheColumnNotTheValue() {
		Map<String, Object> row = Map.of("order_id", "not-a-number-secret");
		assertThatExceptionOfType(RowBindingException.class)
			.isThrownBy(() -> new Jackson3RowBinders(Jackson3RowBinders.defaultMapper()).forType(Order.class).bind(row))
			.withMessageContaining("orderId")
			.withMessageNotContaining("secret");
	}

}
