package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@WithPostgres
class OnWalChangeDispatchTests extends LodeTestApps {

	@Test
	void insertReachesInsertListenerOnceAndUpdateDeleteListenerGetsExactlyThose() {
		ConfigurableApplicationContext context = start(Listeners.class);
		Listeners listeners = context.getBean(Listeners.class);

		sql("insert into orders values (1, 'alice', 12.50, 'new')");
		sql("update orders set status = 'paid' where id = 1");
		sql("insert into other values (1, 'not an order')");
		sql("delete from orders where id = 1");

		await().atMost(Duration.ofSeconds(20))
			.until(() -> listeners.updatesAndDeletes.changes().stream().anyMatch(c -> c.kind() == ChangeKind.DELETE));
		// commit order: everything committed before the DELETE has been dispatched by now
		assertThat(listeners.inserts.changes()).singleElement().satisfies((change) -> {
			assertThat(change.schema()).isEqualTo("public");
			assertThat(change.table()).isEqualTo("orders");
			assertThat(change.kind()).isEqualTo(ChangeKind.INSERT);
			assertThat(change.values()).containsEntry("id", 1)
				.containsEntry("customer", "alice")
				.containsEntry("amount", new BigDecimal("12.50"))
				.containsEntry("status", "new");
			assertThat(change.xid()).isPositive();
			assertThat(change.commitLsn().isInvalid()).isFalse();
			assertThat(change.commitTime()).isNotNull();
		});
		assertThat(listeners.updatesAndDeletes.changes()).extracting(WalChange::kind)
			.containsExactly(ChangeKind.UPDATE, ChangeKind.DELETE);
		assertThat(listeners.updatesAndDeletes.changes().get(1).oldValues()).containsEntry("id", 1);
		assertThat(listeners.everything.changes()).extracting(WalChange::table)
			.containsExactly("orders", "orders", "other", "orders");
	}

	@Test
	void schemaAttributeSelectsTheSchema() {
		sql("create schema shop", "create table shop.orders (id int primary key)");
		ConfigurableApplicationContext context = start(SchemaListeners.class);
		SchemaListeners listeners = context.getBean(SchemaListeners.class);

		sql("insert into orders values (7, 'bob', 1, 'new')");
		sql("insert into shop.orders values (8)");

		await().atMost(Duration.ofSeconds(20)).until(() -> listeners.shop.size() == 1);
		assertThat(listeners.shop.changes().get(0).values()).containsEntry("id", 8);
		assertThat(listeners.shop.changes().get(0).schema()).isEqualTo("shop");
	}

	@Test
	void listenersOfOneChangeRunInOrderAnnotationOrder() {
		ConfigurableApplicationContext context = start(OrderedListeners.class);
		OrderedListeners listeners = context.getBean(OrderedListeners.class);

		sql("insert into orders values (1, 'alice', 1, 'new')", "insert into orders values (2, 'bob', 1, 'new')");

		await().atMost(Duration.ofSeconds(20)).until(() -> listeners.calls.size() == 6);
		assertThat(listeners.calls).containsExactly("early:1", "middle:1", "late:1", "early:2", "middle:2", "late:2");
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedListeners {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Order(10)
		@OnWalChange(table = "orders")
		void late(WalChange change) {
			this.calls.add("late:" + change.get("id"));
		}

		@Order(-10)
		@OnWalChange(table = "orders")
		void early(WalChange change) {
			this.calls.add("early:" + change.get("id"));
		}

		@Order(0)
		@OnWalChange(table = "orders")
		void middle(WalChange change) {
			this.calls.add("middle:" + change.get("id"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final Recorder inserts = new Recorder();

		final Recorder updatesAndDeletes = new Recorder();

		final Recorder everything = new Recorder();

		@OnWalChange(table = "orders", kind = ChangeKind.INSERT)
		void onNewOrder(WalChange change) {
			this.inserts.add(change);
		}

		@OnWalChange(table = "orders", kind = { ChangeKind.UPDATE, ChangeKind.DELETE })
		void onChangedOrder(WalChange change) {
			this.updatesAndDeletes.add(change);
		}

		@OnWalChange
		void onAnything(WalChange change) {
			this.everything.add(change);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SchemaListeners {

		final Recorder shop = new Recorder();

		@OnWalChange(schema = "shop", table = "orders")
		void onShopOrder(WalChange change) {
			this.shop.add(change);
		}

	}

}
