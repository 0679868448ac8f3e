package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import java.time.Duration;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Conditions on real changes: {@code changed(...)} knows non-key columns only with
 * {@code REPLICA IDENTITY FULL}.
 */
@WithPostgres
class ConditionTests extends LodeTestApps {

	@Test
	void withReplicaIdentityFullChangedSeesWhichColumnsAnUpdateChanged() {
		sql("alter table orders replica identity full");
		ConfigurableApplicationContext context = start(StatusListener.class);
		StatusListener listener = context.getBean(StatusListener.class);

		sql("insert into orders values (1, 'alice', 1, 'new')");
		sql("update orders set amount = 2 where id = 1");
		sql("update orders set status = 'paid' where id = 1");
		sql("update orders set status = 'paid', amount = 3 where id = 1");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.all.size() == 4);
		assertThat(listener.statusChanges.changes()).singleElement()
			.satisfies((change) -> assertThat(change.values()).containsEntry("status", "paid"));
		assertThat(listener.bigAmounts.changes()).extracting((c) -> c.values().get("amount").toString())
			.containsExactly("3.00");
	}

	@Test
	void withTheDefaultReplicaIdentityOnlyKeyChangesAreKnown() {
		ConfigurableApplicationContext context = start(StatusListener.class);
		StatusListener listener = context.getBean(StatusListener.class);

		sql("insert into orders values (1, 'alice', 1, 'new')");
		sql("update orders set status = 'paid' where id = 1");
		sql("update orders set id = 2 where id = 1");

		await().atMost(Duration.ofSeconds(20)).until(() -> listener.all.size() == 3);
		assertThat(listener.statusChanges.size()).as("the old status is not sent").isZero();
		assertThat(listener.keyChanges.changes()).singleElement()
			.satisfies((change) -> assertThat(change.values()).containsEntry("id", 2));
	}

	@Configuration(proxyBeanMethods = false)
	static class StatusListener {

		final Recorder all = new Recorder();

		final Recorder statusChanges = new Recorder();

		final Recorder keyChanges = new Recorder();

		final Recorder bigAmounts = new Recorder();

		@OnWalChange(table = "orders")
		void onAny(WalChange change) {
			this.all.add(change);
		}

		@OnWalChange(table = "orders", kind = ChangeKind.UPDATE, condition = "changed('status')")
		void onStatus(WalChange change) {
			this.statusChanges.add(change);
		}

		@OnWalChange(table = "orders", kind = ChangeKind.UPDATE, condition = "#root.changed('id')")
		void onKey(WalChange change) {
			this.keyChanges.add(change);
		}

		@OnWalChange(table = "orders", kind = ChangeKind.UPDATE,
				condition = "changedColumns().contains('amount') and #row.amount > 2")
		void onBigAmount(WalChange change) {
			this.bigAmounts.add(change);
		}

	}

}
