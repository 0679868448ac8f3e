package dev.lode.spring;

import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import java.time.Duration;
import java.util.List;

import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.core.WalChange;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application instances on one slot: one streams, the other stands by and takes over.
 */
@WithPostgres
class StandbyTests extends LodeTestApps {

	@Test
	void theSecondInstanceStandsByAndContinuesWithNothingLostWhenTheFirstStops() {
		ConfigurableApplicationContext first = start(RecordingOrders.class);
		RecordingOrders firstListener = first.getBean(RecordingOrders.class);
		sql("insert into orders values (1, 'a', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> firstListener.received.size() == 1);

		ConfigurableApplicationContext second = start(RecordingOrders.class, "lode.slot.takeover-interval=300ms");
		WalReplicationContainer standby = second.getBean(WalReplicationContainer.class);
		RecordingOrders secondListener = second.getBean(RecordingOrders.class);
		assertThat(standby.getState()).isEqualTo(ReplicationState.STANDBY);
		assertThat(BootLine.details(second.getBean(LodeHealthIndicator.class))).containsEntry("state", "STANDBY");

		sql("insert into orders values (2, 'b', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> firstListener.received.size() == 2);
		first.close();
		sql("insert into orders values (3, 'c', 1, 'new')");

		await().atMost(Duration.ofSeconds(20)).until(() -> secondListener.received.ids().contains(3));
		assertThat(standby.getState()).isEqualTo(ReplicationState.STREAMING);
		assertThat(secondListener.received.ids()).endsWith(3);
	}

}
