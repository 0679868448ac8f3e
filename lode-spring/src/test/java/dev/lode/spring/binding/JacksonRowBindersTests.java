package dev.lode.spring.binding;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JacksonRowBindersTests {

	private final JacksonRowBinders binders = new JacksonRowBinders(JacksonRowBinders.defaultMapper());

	@Test
	void snakeCaseColumnsBindToCamelCaseRecordComponentsAndUnknownColumnsAreIgnored() {
		Map<String, Object> row = row("id", 1, "customer_name", "alice", "amount", new BigDecimal("12.50"), "status",
				"PAID", "not_a_property", "x");
		assertThat(this.binders.forType(Order.class).bind(row))
			.isEqualTo(new Order(1L, "alice", new BigDecimal("12.50"), Status.PAID));
	}

	@Test
	void valuesAreConvertedToThePropertyTypes() {
		Map<String, Object> row = row("id", "7", "customer_name", "bob", "amount", new BigDecimal("3.25"), "status",
				"new");
		Pojo pojo = (Pojo) this.binders.forType(Pojo.class).bind(row);
		assertThat(pojo.id).isEqualTo(7);
		assertThat(pojo.customerName).isEqualTo("bob");
		assertThat(pojo.amount).isEqualTo(3.25);
		assertThat(pojo.status).as("enums case-insensitively").isEqualTo(Status.NEW);
	}

	@Test
	void postgresTimestampTextBindsToJavaTimeTypes() {
		Map<String, Object> row = row("created_at", "2024-01-02 03:04:05.123456+05:30", "paid_at",
				"2024-01-02 03:04:05+00", "local_time", "2024-01-02 03:04:05.5", "day", "2024-01-02", "text_time",
				"2024-01-02 03:04:05+00");
		Times times = (Times) this.binders.forType(Times.class).bind(row);
		assertThat(times.createdAt()).isEqualTo(OffsetDateTime.of(2024, 1, 1, 21, 34, 5, 123456000, ZoneOffset.UTC)
			.withOffsetSameInstant(times.createdAt().getOffset()));
		assertThat(times.paidAt()).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
		assertThat(times.localTime()).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 500_000_000));
		assertThat(times.day()).isEqualTo(LocalDate.of(2024, 1, 2));
		assertThat(times.textTime()).as("text properties get the text as sent").isEqualTo("2024-01-02 03:04:05+00");
	}

	@Test
	void javaTimeValuesBindToJavaTimeAndTextPropertiesAndUnboundColumnsAreNotConverted() {
		JacksonRowBinders withoutModules = new JacksonRowBinders(new com.fasterxml.jackson.databind.ObjectMapper());
		Map<String, Object> row = row("id", 1, "customer_name", "dave", "amount", new BigDecimal("1"), "status", "new",
				"created_at", OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC), "blob", new byte[] { 1 });
		assertThat(withoutModules.forType(Order.class).bind(row)).as("a timestamp column the record does not have")
			.isEqualTo(new Order(1L, "dave", new BigDecimal("1"), Status.NEW));

		Map<String, Object> times = row("created_at", OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6000, ZoneOffset.UTC),
				"paid_at", OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC), "local_time",
				LocalDateTime.of(2024, 1, 2, 3, 4), "day", LocalDate.of(2024, 1, 2), "text_time",
				OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC));
		Times bound = (Times) this.binders.forType(Times.class).bind(times);
		assertThat(bound.createdAt().toInstant()).isEqualTo(Instant.parse("2024-01-02T03:04:05.000006Z"));
		assertThat(bound.paidAt()).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
		assertThat(bound.localTime()).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4));
		assertThat(bound.day()).isEqualTo(LocalDate.of(2024, 1, 2));
		assertThat(bound.textTime()).isEqualTo("2024-01-02T03:04:05Z");
	}

	@Test
	void aTypeWithAnAnySetterGetsEveryColumn() {
		Open open = (Open) this.binders.forType(Open.class).bind(row("id", 1, "extra_column", "x"));
		assertThat(open.id).isEqualTo(1);
		assertThat(open.others).containsEntry("extra_column", "x");
	}

	@Test
	void anExplicitJsonPropertyNameBindsThatColumn() {
		assertThat(this.binders.forType(Quoted.class).bind(row("CustomerName", "carol")))
			.isEqualTo(new Quoted("carol"));
	}

	@Test
	void aValueThatCannotBeConvertedFailsNamingTheColumnButNotTheValue() {
		assertThatExceptionOfType(RowBindingException.class)
			.isThrownBy(() -> this.binders.forType(Order.class).bind(row("id", "secret-not-a-number")))
			.withMessageContaining("'id'")
			.withMessageContaining(Order.class.getName())
			.withMessageNotContaining("secret");
	}

	@Test
	void theApplicationsMapperIsCopiedNotChanged() {
		com.fasterxml.jackson.databind.ObjectMapper mapper = JacksonRowBinders.defaultMapper();
		new JacksonRowBinders(mapper).forType(Order.class);
		assertThat(mapper.getPropertyNamingStrategy()).isNull();
	}

	@Test
	void postgresTimestampsBecomeIso() {
		assertThat(PostgresTimestamps.toIso("2024-01-02 03:04:05+00")).isEqualTo("2024-01-02T03:04:05+00:00");
		assertThat(PostgresTimestamps.toIso("2024-01-02 03:04:05.1-07")).isEqualTo("2024-01-02T03:04:05.1-07:00");
		assertThat(PostgresTimestamps.toIso("2024-01-02 03:04:05+05:30")).isEqualTo("2024-01-02T03:04:05+05:30");
		assertThat(PostgresTimestamps.toIso("2024-01-02 03:04:05")).isEqualTo("2024-01-02T03:04:05");
		assertThat(PostgresTimestamps.toIso("2024-01-02")).isEqualTo("2024-01-02");
		assertThat(PostgresTimestamps.toIso("infinity")).isEqualTo("infinity");
	}

	private static Map<String, Object> row(Object... columnsAndValues) {
		Map<String, Object> row = new HashMap<>();
		for (int i = 0; i < columnsAndValues.length; i += 2) {
			row.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
		}
		return row;
	}

	enum Status {

		NEW, PAID

	}

	record Order(long id, String customerName, BigDecimal amount, Status status) {

	}

	static class Pojo {

		public int id;

		public String customerName;

		public double amount;

		public Status status;

	}

	record Times(OffsetDateTime createdAt, Instant paidAt, LocalDateTime localTime, LocalDate day, String textTime) {

	}

	static class Open {

		public int id;

		final Map<String, Object> others = new HashMap<>();

		@com.fasterxml.jackson.annotation.JsonAnySetter
		void other(String name, Object value) {
			this.others.put(name, value);
		}

	}

	record Quoted(@JsonProperty("CustomerName") String customerName) {

	}

}
