package dev.lode.spring.boot.autoconfigure.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lode.core.Lsn;
import dev.lode.kafka.KafkaChangeRelay;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthContributorAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.health.LodeReportHealthIndicator;
import dev.lode.spring.boot.autoconfigure.metrics.LodeMetricsAutoConfiguration;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.boot.autoconfigure.endpoint.InFlightDescriptor;
import dev.lode.test.WithPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker held back: while it is stopped, lode acknowledges nothing the broker has not acknowledged and waits
 * (no failure, no skip), and the stall is visible: the relay's health turns DOWN after its stall timeout with the
 * broker unreachable and the records waiting, the changes in flight and {@code lode.replication.lag} grow while
 * changes are committed; when it is back, every record arrives once, each key's in commit order, and lode
 * acknowledges. Stops and starts the shared embedded broker's BrokerServer, which Kafka 3.9's embedded KRaft broker
 * (Boot 3.5's) does not serve from again, so only the Boot 4 line (Kafka 4.2) runs this class.
 */
@WithPostgres
class KafkaRelayBrokerDownTests extends RelayTestApps {

	private static final ObjectMapper JSON = new ObjectMapper();

	@Test
	void aStoppedBrokerIsAStallThatHealthAndTheLagShowAndAfterItEveryRecordArrivesOnceInOrder() throws Exception {
		ConfigurableApplicationContext context = start(new Class<?>[] { Observed.class },
				"lode.relay.kafka.tables=orders,customers", "lode.relay.kafka.stall-timeout=2s",
				// the producer notices quickly that the broker is gone and comes back
				"spring.kafka.producer.properties[reconnect.backoff.max.ms]=200");
		WalReplicationContainer container = context.getBean(WalReplicationContainer.class);
		KafkaChangeRelay relay = context.getBean(KafkaChangeRelay.class);
		LodeReportHealthIndicator health = context.getBean("lodeKafkaRelayHealthIndicator",
				LodeReportHealthIndicator.class);
		MeterRegistry registry = context.getBean(MeterRegistry.class);
		// acknowledged before the broker stops
		sql("insert into customers values ('before', false); insert into orders values (0, 'before', 1, 1)");
		assertThat(RelayKafka.read(bootstrapServers(), prefix() + ".public.customers", 1)).hasSize(1);
		String before = this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text");
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmed().compareTo(Lsn.parse(before)) >= 0);
		assertThat(health.health().getStatus().getCode()).isEqualTo("UP");

		RelayKafka.stop();
		int rows = 40;
		int versions = 5;
		try {
			String heldFrom = this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text");
			for (int id = 1; id <= rows; id++) {
				sql("insert into orders values (" + id + ", 'held', 1, 1)");
			}
			sql("insert into customers values ('after', true)");
			// the replication thread is not held: the changes are in flight, the relay holds their records
			await().atMost(Duration.ofSeconds(30))
				.until(() -> InFlightDescriptor.of(container).changes() >= rows + 1);
			double lagBefore = lag(registry);
			// row 1's later changes too: the relay keeps a row's order itself (pipelined), lode need not wait for them
			for (int version = 2; version <= versions; version++) {
				sql("update orders set version = " + version + " where id = 1");
			}
			sql("insert into orders select g, 'more', 1, 1 from generate_series(1000, 1099) g");
			await().atMost(Duration.ofSeconds(30)).until(() -> lag(registry) > lagBefore);
			Health stalled = await().atMost(Duration.ofSeconds(30))
				.until(health::health, (h) -> h.getStatus().getCode().equals("DOWN"));
			assertThat(stalled.getDetails()).containsEntry("stalled", true)
				.containsKey("oldestUnacknowledgedAgeMillis")
				.containsKey("lastAcknowledgedAt");
			assertThat((Integer) stalled.getDetails().get("unacknowledgedRecords")).isGreaterThanOrEqualTo(rows + 1);
			await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.FALSE.equals(relay.status().brokerReachable()));
			// lode waits (no failure, no reconnect) and acknowledges nothing the broker does not have
			assertThat(container.getState()).isEqualTo(ReplicationState.STREAMING);
			assertThat(confirmed()).isLessThanOrEqualTo(Lsn.parse(heldFrom));
			assertThat(container.getLastAcknowledgedLsn()).isLessThanOrEqualTo(Lsn.parse(heldFrom));
		}
		finally {
			RelayKafka.start();
		}
		String last = this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text");
		await().atMost(Duration.ofSeconds(60)).until(() -> confirmed().compareTo(Lsn.parse(last)) >= 0);
		assertThat(container.getTransactionsInFlight()).isZero();
		await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().getCode().equals("UP"));
		List<ConsumerRecord<String, String>> orders = RelayKafka.read(bootstrapServers(), prefix() + ".public.orders",
				1 + rows + (versions - 1) + 100);
		assertThat(orders).as("each record once").hasSize(1 + rows + (versions - 1) + 100);
		Map<String, List<Integer>> versionsByKey = new HashMap<>();
		for (ConsumerRecord<String, String> record : orders) {
			versionsByKey.computeIfAbsent(record.key(), (key) -> new ArrayList<>())
				.add(JSON.readTree(record.value()).get("new").get("version").asInt());
		}
		assertThat(versionsByKey.get("{\"id\":1}")).as("row 1's changes in commit order").containsExactly(1, 2, 3, 4, 5);
		assertThat(RelayKafka.read(bootstrapServers(), prefix() + ".public.customers", 2)).as("each record once")
			.hasSize(2);
	}

	private static double lag(MeterRegistry registry) {
		return registry.get("lode.replication.lag").gauge().value();
	}

	/** The embedded broker, whatever the other relay tests use: this test stops and starts it. */
	@Override
	protected String bootstrapServers() {
		return RelayKafka.controllableBootstrapServers();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LodeMetricsAutoConfiguration.class, LodeHealthContributorAutoConfiguration.class,
			LodeKafkaRelayHealthAutoConfiguration.class })
	static class Observed {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
