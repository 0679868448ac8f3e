package dev.lode.spring.boot.autoconfigure.relay;

import java.time.Duration;

import dev.lode.core.Lsn;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker held back: while it is stopped, lode acknowledges nothing the broker has not acknowledged and waits
 * (no failure, no skip); when it is back, every record arrives once and lode acknowledges. Stops and starts the
 * shared embedded broker's BrokerServer, which Kafka 3.9's embedded KRaft broker (Boot 3.5's) does not serve
 * from again, so only the Boot 4 line (Kafka 4.2) runs this class.
 */
@WithPostgres
class KafkaRelayBrokerDownTests extends RelayTestApps {

	@Test
	void theSlotIsNotAcknowledgedPastATransactionWhoseRecordsTheBrokerHasNotAcknowledged() {
		ConfigurableApplicationContext context = start("lode.relay.kafka.tables=orders,customers",
				// the producer notices quickly that the broker is gone and comes back
				"spring.kafka.producer.properties[reconnect.backoff.max.ms]=200");
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		// acknowledged before the broker stops
		sql("insert into customers values ('before', false); insert into orders values (0, 'before', 1, 1)");
		assertThat(RelayKafka.read(bootstrapServers(), prefix() + ".public.customers", 1)).hasSize(1);
		String before = this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text");
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmed().compareTo(Lsn.parse(before)) >= 0);

		RelayKafka.stop();
		try {
			String heldFrom = this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text");
			sql("insert into orders values (1, 'held', 1, 1)");
			sql("insert into customers values ('after', true)");
			await().during(Duration.ofSeconds(3))
				.atMost(Duration.ofSeconds(6))
				.until(() -> confirmed().compareTo(Lsn.parse(heldFrom)) <= 0);
			// lode waits (no failure, no reconnect): the relay's send holds its record, or blocks for metadata
			assertThat(container.getState()).isEqualTo(ReplicationState.STREAMING);
			assertThat(container.getLastAcknowledgedLsn()).isLessThanOrEqualTo(Lsn.parse(heldFrom));
		}
		finally {
			RelayKafka.start();
		}
		String last = this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text");
		await().atMost(Duration.ofSeconds(60)).until(() -> confirmed().compareTo(Lsn.parse(last)) >= 0);
		assertThat(container.getTransactionsInFlight()).isZero();
		assertThat(RelayKafka.read(bootstrapServers(), prefix() + ".public.orders", 2)).as("each record once")
			.hasSize(2);
		assertThat(RelayKafka.read(bootstrapServers(), prefix() + ".public.customers", 2)).as("each record once")
			.hasSize(2);
	}

	/** The embedded broker, whatever the other relay tests use: this test stops and starts it. */
	@Override
	protected String bootstrapServers() {
		return RelayKafka.controllableBootstrapServers();
	}

}
