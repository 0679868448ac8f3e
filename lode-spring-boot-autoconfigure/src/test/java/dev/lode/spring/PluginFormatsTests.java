package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import java.math.BigDecimal;
import java.time.Duration;

import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same application works with every plugin and format: wal2json v2 and v1, and pgoutput (with
 * the publication lode derives from the listeners).
 */
@WithPostgres
@Tag("wal2json")
@Tag("wal2json")
class PluginFormatsTests extends LodeTestApps {

	@ParameterizedTest
	@ValueSource(strings = { "lode.wal2json.format-version=2", "lode.wal2json.format-version=1", "lode.plugin=pgoutput" })
	void changesFlowAndAreAcknowledgedWithEveryFormat(String format) {
		ConfigurableApplicationContext context = start(Listeners.class, format);
		Listeners listeners = context.getBean(Listeners.class);

		sql("insert into orders values (1, 'alice', 12.50, 'new')");
		sql("insert into other values (1, 'unwatched')");
		sql("update orders set status = 'paid' where id = 1");
		sql("delete from orders where id = 1");

		await().atMost(Duration.ofSeconds(20)).until(() -> listeners.orders.size() == 3);
		assertThat(listeners.orders.changes()).extracting(WalChange::kind)
			.containsExactly(ChangeKind.INSERT, ChangeKind.UPDATE, ChangeKind.DELETE);
		assertThat(listeners.orders.changes().get(0).values()).containsEntry("id", 1)
			.containsEntry("customer", "alice")
			.containsEntry("amount", new BigDecimal("12.50"));
		assertThat(listeners.orders.changes().get(2).oldValues()).containsEntry("id", 1);
		Lsn lastCommit = listeners.orders.changes().get(2).commitLsn();
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmedFlushLsn().compareTo(lastCommit) >= 0);
		assertThat(BootLine.details(context.getBean(LodeHealthIndicator.class))).containsKey("format");
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final Recorder orders = new Recorder();

		@OnWalChange(table = "orders")
		void onOrder(WalChange change) {
			this.orders.add(change);
		}

	}

}
