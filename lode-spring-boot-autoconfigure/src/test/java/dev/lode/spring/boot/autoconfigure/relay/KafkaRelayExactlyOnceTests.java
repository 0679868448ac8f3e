package dev.lode.spring.boot.autoconfigure.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lode.core.Lsn;
import dev.lode.kafka.KafkaChangeRelay;
import dev.lode.test.WithPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exactly-once relay: each PostgreSQL transaction's records and the position they reach in one Kafka
 * transaction; a {@code read_committed} consumer sees each change once, a row changed several times in one
 * transaction in order; the position topic holds the last transaction's commit LSN; a restart goes on from there
 * (the crash cases are the fault suite's relay mode with exactly once).
 */
@WithPostgres
class KafkaRelayExactlyOnceTests extends RelayTestApps {

	private static final ObjectMapper JSON = new ObjectMapper();

	@Test
	void eachTransactionsRecordsArriveOnceWithThePositionTheyReachAndARestartGoesOnFromThere() throws Exception {
		String positions = prefix() + ".positions";
		String[] properties = { "lode.relay.kafka.tables=orders", "lode.relay.kafka.exactly-once=true",
				"lode.relay.kafka.position-topic=" + positions };
		ConfigurableApplicationContext context = start(properties);
		assertThat(context.getBean(KafkaChangeRelay.class).isExactlyOnce()).isTrue();
		sql("begin; insert into orders values (1, 'ann', 1, 1); update orders set version = 2 where id = 1;"
				+ " update orders set version = 3 where id = 1; insert into orders values (2, 'bob', 1, 1); commit");
		for (int version = 4; version <= 6; version++) {
			sql("update orders set version = " + version + " where id = 1");
		}
		String first = this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text");
		await().atMost(Duration.ofSeconds(30)).until(() -> confirmed().compareTo(Lsn.parse(first)) >= 0);
		context.close();

		sql("update orders set version = 7 where id = 1; insert into orders values (3, 'cy', 1, 1)");
		start(properties);
		String last = this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text");
		await().atMost(Duration.ofSeconds(30)).until(() -> confirmed().compareTo(Lsn.parse(last)) >= 0);

		List<ConsumerRecord<String, String>> orders = RelayKafka.read(prefix() + ".public.orders", 9);
		assertThat(orders).as("each change once (read_committed)").hasSize(9);
		List<Integer> versions = new ArrayList<>();
		for (ConsumerRecord<String, String> record : orders) {
			if (record.key().equals("{\"id\":1}")) {
				versions.add(JSON.readTree(record.value()).get("new").get("version").asInt());
			}
		}
		assertThat(versions).containsExactly(1, 2, 3, 4, 5, 6, 7);
		List<ConsumerRecord<String, String>> position = RelayKafka.read(positions, 1);
		String lastCommit = RelayKafka.header(orders.get(orders.size() - 1), "lode.commit-lsn");
		assertThat(position.get(position.size() - 1).key()).isEqualTo(this.db);
		assertThat(position.get(position.size() - 1).value()).as("the last transaction and its two records")
			.isEqualTo(lastCommit + " 2");
	}

	@Test
	void refusesLanes() {
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> start("lode.relay.kafka.tables=orders", "lode.relay.kafka.exactly-once=true",
					"lode.listener.concurrency=4"))
			.hasRootCauseMessage("lode.relay.kafka.exactly-once=true needs lode.listener.concurrency=1 (it is 4): the"
					+ " relay writes each transaction's records in one Kafka transaction once the transaction's commit"
					+ " arrived, after all its changes");
	}

}
