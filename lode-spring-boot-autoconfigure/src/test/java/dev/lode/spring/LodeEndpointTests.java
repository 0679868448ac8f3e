package dev.lode.spring;

import java.time.Duration;

import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.boot.autoconfigure.endpoint.ListenerDescriptor;
import dev.lode.spring.boot.autoconfigure.endpoint.LodeDescriptor;
import dev.lode.spring.boot.autoconfigure.endpoint.LodeEndpoint;
import dev.lode.spring.boot.autoconfigure.endpoint.LodeEndpointAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.sync.LodeSync;
import dev.lode.spring.boot.autoconfigure.sync.LodeSyncAutoConfiguration;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code lode} endpoint of a streaming application: slot, plugin, state, positions as the server
 * sees them, listeners; never a password.
 */
@WithPostgres
class LodeEndpointTests extends LodeTestApps {

	@Test
	void readsTheStreamingStateThePositionsAndTheListeners() {
		ConfigurableApplicationContext context = start(Listener.class,
				"management.endpoints.web.exposure.include=health,lode");
		sql("insert into orders values (1, 'alice', 1, 'new')");
		Lsn reached = context.getBean(LodeSync.class).awaitProcessed(Duration.ofSeconds(20));

		LodeDescriptor lode = context.getBean(LodeEndpoint.class).lode();

		assertThat(lode.slot()).isEqualTo(this.slot);
		assertThat(lode.plugin()).isIn("wal2json v1", "wal2json v2", "pgoutput");
		assertThat(lode.state()).isEqualTo("STREAMING");
		assertThat(Lsn.parse(lode.positions().acknowledged())).isGreaterThanOrEqualTo(reached);
		assertThat(lode.positions().received()).isNotNull();
		assertThat(lode.positions().slotExists()).isTrue();
		assertThat(lode.positions().retainedWalBytes()).isNotNull().isNotNegative();
		assertThat(lode.positions().confirmedLagBytes()).isNotNull().isNotNegative();
		assertThat(lode.positions().slotStatusError()).isNull();
		assertThat(lode.listeners()).extracting(ListenerDescriptor::id, ListenerDescriptor::tables,
				ListenerDescriptor::condition)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("orders-audit", java.util.List.of("orders"),
					"row['amount'] >= 0"));
		assertThat(lode.toString()).doesNotContain("password").doesNotContain("jdbc:");
		if (!this.pg.password().isEmpty()) {
			assertThat(lode.toString()).doesNotContain(this.pg.password());
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LodeEndpointAutoConfiguration.class, LodeSyncAutoConfiguration.class })
	static class Listener {

		@OnWalChange(id = "orders-audit", table = "orders", condition = "row['amount'] >= 0")
		void onOrder(WalChange change) {
		}

	}

}
