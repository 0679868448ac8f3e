package dev.lode.spring;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lode.core.ChangeKind;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listener parameters bound from real changes: records, POJOs, maps, the old row and the transaction.
 */
@WithPostgres
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

	enum Status {

		NEW, PAID

	}

	record Order(int id, @Nullable String customer, @Nullable BigDecimal amount, @Nullable Status status) {

	}

	record Event(int id, OffsetDateTime happenedAt, java.time.LocalDateTime localAt, LocalDate day) {

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
	static class Events {

		final List<Event> events = new CopyOnWriteArrayList<>();

		@OnWalChange(table = "events")
		void onEvent(Event event) {
			this.events.add(event);
		}

	}

}
