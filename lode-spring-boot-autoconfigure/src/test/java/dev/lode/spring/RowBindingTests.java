package dev.lode.spring;

import dev.lode.spring.annotation.OldRow;
import dev.lode.spring.annotation.OnWalChange;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lode.core.ChangeKind;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listener parameters bound from real changes: records, POJOs, maps, the old row and the transaction.
 */
@WithPostgres
@ExtendWith(OutputCaptureExtension.class)
class RowBindingTests extends LodeTestApps {

	@Test
	void theNewRowBindsToARecordAndToAPojoWithConvertedValues() {
		ConfigurableApplicationContext context = start(NewRows.class);
		NewRows listener = context.getBean(NewRows.class);

		sql("insert into orders values (1, 'alice', 12.50, 'paid')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.pojos.size() == 1);
		assertThat(listener.records).containsExactly(new Order(1, "alice", new BigDecimal("12.50"), Status.PAID));
		OrderPojo pojo = listener.pojos.get(0);
		assertThat(pojo.getId()).isEqualTo(1L);
		assertThat(pojo.getCustomer()).isEqualTo("alice");
		assertThat(pojo.getAmount()).isEqualTo(12.5);
	}

	@Test
	void allParameterKindsInAnyOrderReceiveTheSameChange() {
		sql("alter table orders replica identity full");
		ConfigurableApplicationContext context = start(AllKinds.class);
		AllKinds listener = context.getBean(AllKinds.class);

		sql("insert into orders values (1, 'alice', 1, 'new')");
		sql("update orders set status = 'paid', amount = 2 where id = 1");
		sql("delete from orders where id = 1");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.calls.size() == 3);
		Call insert = listener.calls.get(0);
		assertThat(insert.row()).isEqualTo(new Order(1, "alice", new BigDecimal("1.00"), Status.NEW));
		assertThat(insert.old()).as("no old row for an INSERT").isNull();
		assertThat(insert.transaction()).isEqualTo(insert.change().transaction());
		assertThat(insert.values()).isEqualTo(insert.change().values());

		Call update = listener.calls.get(1);
		assertThat(update.row()).isEqualTo(new Order(1, "alice", new BigDecimal("2.00"), Status.PAID));
		assertThat(update.old()).as("the whole old row with REPLICA IDENTITY FULL")
			.isEqualTo(new Order(1, "alice", new BigDecimal("1.00"), Status.NEW));

		Call delete = listener.calls.get(2);
		assertThat(delete.row()).as("no new row for a DELETE").isNull();
		assertThat(delete.values()).isEmpty();
		assertThat(delete.old()).isEqualTo(new Order(1, "alice", new BigDecimal("2.00"), Status.PAID));
		assertThat(delete.change().kind()).isEqualTo(ChangeKind.DELETE);
	}

	@Test
	void withTheDefaultReplicaIdentityTheOldRowHasOnlyTheKey() {
		ConfigurableApplicationContext context = start(OldRows.class);
		OldRows listener = context.getBean(OldRows.class);

		sql("insert into orders values (3, 'bob', 1, 'new')");
		sql("delete from orders where id = 3");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.old.size() == 1);
		assertThat(listener.old.get(0)).isEqualTo(new Order(3, null, null, null));
		assertThat(listener.oldMaps.get(0)).containsExactly(Map.entry("id", 3));
	}

	@Test
	void timestampAndDateColumnsBindToJavaTimeTypes() {
		sql("create table events (id int primary key, happened_at timestamptz, local_at timestamp, day date)");
		ConfigurableApplicationContext context = start(Events.class);
		Events listener = context.getBean(Events.class);

		sql("insert into events values (1, '2024-01-02 03:04:05.123456+00', '2024-01-02 03:04:05', '2024-01-02')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.events.size() == 1);
		Event event = listener.events.get(0);
		assertThat(event.happenedAt().toInstant()).isEqualTo(Instant.parse("2024-01-02T03:04:05.123456Z"));
		assertThat(event.localAt()).isEqualTo("2024-01-02T03:04:05");
		assertThat(event.day()).isEqualTo(LocalDate.of(2024, 1, 2));
	}

	@Test
	void everyTemporalTypeBindsToEveryJavaTimeTargetWholeMinutesEraAndInfinitiesIncluded() {
		sql("create table times (id int primary key, c_date date, c_time time, c_timetz timetz, c_ts timestamp,"
				+ " c_tstz timestamptz)");
		ConfigurableApplicationContext context = start(TimesListener.class);
		TimesListener listener = context.getBean(TimesListener.class);

		sql("insert into times values (1, '2024-07-01', '12:00:00', '12:00:00+02', '2024-07-01 12:00:00',"
				+ " '2024-07-01 12:00:00+00')",
				"insert into times values (2, '0044-03-15 BC', '00:00:00', '00:00:00+00', '0044-03-15 12:00:00 BC',"
						+ " '0044-03-15 12:00:00+00 BC')",
				"insert into times values (3, '10000-01-01', '23:59:59.999999', '24:00:00+02', '10000-01-01 00:00:00',"
						+ " '10000-01-01 00:00:00+00')",
				"insert into times values (4, 'infinity', '24:00:00', '00:00:00-05', 'infinity', 'infinity')",
				"insert into times values (5, '-infinity', '00:01:00', '23:59:00+00', '-infinity', '-infinity')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.instants.size() == 5);
		OffsetDateTime infinity = OffsetDateTime.of(LocalDateTime.MAX, ZoneOffset.UTC);
		OffsetDateTime minusInfinity = OffsetDateTime.of(LocalDateTime.MIN, ZoneOffset.UTC);
		assertThat(listener.times).containsExactly(
				new Times(1, LocalDate.of(2024, 7, 1), LocalTime.NOON, OffsetTime.parse("10:00Z"),
						LocalDateTime.parse("2024-07-01T12:00"), OffsetDateTime.parse("2024-07-01T12:00Z")),
				new Times(2, LocalDate.of(-43, 3, 15), LocalTime.MIDNIGHT, OffsetTime.parse("00:00Z"),
						LocalDateTime.parse("-0043-03-15T12:00"), OffsetDateTime.parse("-0043-03-15T12:00Z")),
				new Times(3, LocalDate.of(10000, 1, 1), LocalTime.parse("23:59:59.999999"),
						OffsetTime.parse("21:59:59.999999999Z"), LocalDateTime.parse("+10000-01-01T00:00"),
						OffsetDateTime.parse("+10000-01-01T00:00Z")),
				new Times(4, LocalDate.MAX, LocalTime.MAX, OffsetTime.parse("05:00Z"), LocalDateTime.MAX, infinity),
				new Times(5, LocalDate.MIN, LocalTime.parse("00:01"), OffsetTime.parse("23:59Z"), LocalDateTime.MIN,
						minusInfinity));
		assertThat(listener.instants).containsExactly(new Instants(1, Instant.parse("2024-07-01T12:00:00Z")),
				new Instants(2, Instant.parse("-0043-03-15T12:00:00Z")),
				new Instants(3, Instant.parse("+10000-01-01T00:00:00Z")), new Instants(4, infinity.toInstant()),
				new Instants(5, minusInfinity.toInstant()));
	}

	@Test
	void columnsWithDigitsBindAsJavaNamesThemAndAPropertyNoColumnFillsIsReportedOnce(CapturedOutput output) {
		sql("create table digits (id int primary key, c_int_2d int, address_line_1 text, x2 text)");
		ConfigurableApplicationContext context = start(DigitsListener.class);
		DigitsListener listener = context.getBean(DigitsListener.class);

		sql("insert into digits values (1, 42, 'Main Street 1', 'x')", "insert into digits values (2, 43, 'b', 'y')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.rows.size() == 2);
		assertThat(listener.rows.get(0)).isEqualTo(new Digits(1, 42, "Main Street 1", "x", null));
		assertThat(output.getOut().lines()
			.filter((line) -> line.contains("No column of table public.digits fills the property [nickname] of "
					+ Digits.class.getName())))
			.hasSize(1);
	}

	enum Status {

		NEW, PAID

	}

	record Order(int id, @Nullable String customer, @Nullable BigDecimal amount, @Nullable Status status) {

	}

	record Event(int id, OffsetDateTime happenedAt, LocalDateTime localAt, LocalDate day) {

	}

	record Digits(int id, Integer cInt2d, String addressLine1, String x2, @Nullable String nickname) {

	}

	record Times(int id, LocalDate cDate, LocalTime cTime, OffsetTime cTimetz, LocalDateTime cTs,
			OffsetDateTime cTstz) {

	}

	record Instants(int id, Instant cTstz) {

	}

	record Call(@Nullable Order row, @Nullable Order old, WalChange change, TransactionInfo transaction,
			Map<String, Object> values) {

	}

	public static class OrderPojo {

		private long id;

		private String customer;

		private double amount;

		public long getId() {
			return this.id;
		}

		public void setId(long id) {
			this.id = id;
		}

		public String getCustomer() {
			return this.customer;
		}

		public void setCustomer(String customer) {
			this.customer = customer;
		}

		public double getAmount() {
			return this.amount;
		}

		public void setAmount(double amount) {
			this.amount = amount;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NewRows {

		final List<Order> records = new CopyOnWriteArrayList<>();

		final List<OrderPojo> pojos = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders", kind = ChangeKind.INSERT)
		void onRecord(Order order) {
			this.records.add(order);
		}

		@OnWalChange(table = "orders", kind = ChangeKind.INSERT)
		void onPojo(OrderPojo order) {
			this.pojos.add(order);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AllKinds {

		final List<Call> calls = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders")
		void onChange(TransactionInfo transaction, @OldRow @Nullable Order old, WalChange change,
				@Nullable Order row) {
			this.calls.add(new Call(row, old, change, transaction, change.values()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OldRows {

		final List<Order> old = new CopyOnWriteArrayList<>();

		final List<Map<String, Object>> oldMaps = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "orders", kind = ChangeKind.DELETE)
		void onDeleteRecord(@OldRow Order before) {
			this.old.add(before);
		}

		@OnWalChange(table = "orders", kind = ChangeKind.DELETE)
		void onDeleteMap(@OldRow Map<String, Object> before) {
			this.oldMaps.add(before);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DigitsListener {

		final List<Digits> rows = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "digits")
		void onRow(Digits row) {
			this.rows.add(row);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TimesListener {

		final List<Times> times = new CopyOnWriteArrayList<>();

		final List<Instants> instants = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "times")
		void onTimes(Times row) {
			this.times.add(row);
		}

		@OnWalChange(table = "times")
		void onInstants(Instants row) {
			this.instants.add(row);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Events {

		final List<Event> events = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "events")
		void onEvent(Event event) {
			this.events.add(event);
		}

	}

}
