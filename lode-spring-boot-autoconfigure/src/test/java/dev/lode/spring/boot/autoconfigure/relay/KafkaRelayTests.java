package dev.lode.spring.boot.autoconfigure.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lode.core.Lsn;
import dev.lode.test.WithPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka relay against a real broker (spring-kafka-test's embedded KRaft broker in this JVM) and a real
 * PostgreSQL: records on the documented topics with the documented keys, values and headers, one key's records in
 * one partition in commit order, and the outbox (the broker held back: {@link KafkaRelayBrokerDownTests}).
 */
@WithPostgres
class KafkaRelayTests extends RelayTestApps {

	private static final ObjectMapper JSON = new ObjectMapper();

	@Test
	void theInitialSnapshotsRowsAreRelayedBeforeTheStreamedChanges() throws Exception {
		sql("insert into orders values (1, 'ann', 1, 1), (2, 'bob', 2, 1), (3, 'cy', 3, 1)");
		start("lode.relay.kafka.tables=orders", "lode.snapshot.mode=initial", "lode.snapshot.tables=orders");
		sql("insert into orders values (4, 'dee', 4, 1)");

		List<ConsumerRecord<String, String>> orders = RelayKafka.read(prefix() + ".public.orders", 4);
		assertThat(orders).hasSize(4);
		List<ConsumerRecord<String, String>> byId = orders.stream()
			.sorted(java.util.Comparator.comparing(ConsumerRecord::key))
			.toList();
		assertThat(byId).extracting(ConsumerRecord::key)
			.containsExactly("{\"id\":1}", "{\"id\":2}", "{\"id\":3}", "{\"id\":4}");
		assertThat(byId).extracting((record) -> RelayKafka.header(record, "lode.kind"))
			.containsExactly("SNAPSHOT", "SNAPSHOT", "SNAPSHOT", "INSERT");
		JsonNode snapshot = JSON.readTree(byId.get(1).value());
		assertThat(snapshot.get("kind").asText()).isEqualTo("SNAPSHOT");
		assertThat(snapshot.get("new").get("customer").asText()).isEqualTo("bob");
		assertThat(snapshot.get("transaction").get("xid").asLong()).isZero();
		JsonNode insert = JSON.readTree(byId.get(3).value());
		assertThat(Lsn.parse(insert.get("transaction").get("commitLsn").asText()))
			.as("streamed after the consistent point")
			.isGreaterThan(Lsn.parse(snapshot.get("transaction").get("commitLsn").asText()));
	}

	@Test
	void changesOfTwoTablesReachTheirTopicsWithTheDocumentedKeysValuesAndHeaders() throws Exception {
		start("lode.relay.kafka.tables=orders,public.customers");
		sql("insert into orders values (1, 'ann', 12.50, 1); insert into customers values ('ann', true)");
		sql("update orders set amount = 13.75, version = 2 where id = 1");
		sql("delete from orders where id = 1");
		String commit = this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text");

		List<ConsumerRecord<String, String>> orders = RelayKafka.read(prefix() + ".public.orders", 3);
		assertThat(orders).hasSize(3);
		assertThat(orders).extracting(ConsumerRecord::key).containsOnly("{\"id\":1}");
		assertThat(orders).extracting((record) -> RelayKafka.header(record, "lode.kind"))
			.containsExactly("INSERT", "UPDATE", "DELETE");

		JsonNode insert = JSON.readTree(orders.get(0).value());
		assertThat(insert.get("version").asInt()).isEqualTo(1);
		assertThat(insert.get("kind").asText()).isEqualTo("INSERT");
		assertThat(insert.get("source").get("schema").asText()).isEqualTo("public");
		assertThat(insert.get("source").get("table").asText()).isEqualTo("orders");
		assertThat(insert.get("source").get("slot").asText()).isEqualTo(this.db);
		assertThat(insert.get("key").get("id").asInt()).isEqualTo(1);
		assertThat(insert.get("new").get("customer").asText()).isEqualTo("ann");
		assertThat(insert.get("new").get("amount").decimalValue()).isEqualByComparingTo("12.50");
		assertThat(orders.get(0).value()).as("numeric exactly as PostgreSQL has it").contains("\"amount\":12.50");
		assertThat(insert.get("old").isNull()).isTrue();
		JsonNode transaction = insert.get("transaction");
		assertThat(transaction.get("xid").asLong()).isPositive();
		assertThat(transaction.get("commitTime").asText()).endsWith("Z");
		Lsn commitLsn = Lsn.parse(transaction.get("commitLsn").asText());
		assertThat(commitLsn.compareTo(Lsn.parse(commit))).isLessThan(0);
		assertThat(RelayKafka.header(orders.get(0), "lode.commit-lsn")).isEqualTo(commitLsn.toString());
		assertThat(RelayKafka.header(orders.get(0), "lode.lsn")).isEqualTo(insert.get("lsn").asText());

		JsonNode update = JSON.readTree(orders.get(1).value());
		assertThat(update.get("new").get("amount").decimalValue()).isEqualByComparingTo("13.75");
		JsonNode delete = JSON.readTree(orders.get(2).value());
		assertThat(delete.get("new").isNull()).isTrue();
		assertThat(delete.get("old").get("id").asInt()).isEqualTo(1);
		assertThat(delete.get("key").get("id").asInt()).isEqualTo(1);

		List<ConsumerRecord<String, String>> customers = RelayKafka.read(prefix() + ".public.customers", 1);
		assertThat(customers).hasSize(1);
		assertThat(customers.get(0).key()).isEqualTo("{\"name\":\"ann\"}");
		JsonNode customer = JSON.readTree(customers.get(0).value());
		assertThat(customer.get("new").get("vip").asBoolean()).isTrue();
		// the insert of both tables was one transaction
		assertThat(customer.get("transaction")).isEqualTo(transaction);
		// everything relayed: the slot confirms it
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmed().compareTo(Lsn.parse(commit)) >= 0);
	}

	@Test
	void eachKeysChangesStayInOnePartitionInCommitOrderOnFourLanes() throws Exception {
		RelayKafka.createTopic(prefix() + ".public.orders", 4, Map.of());
		start("lode.relay.kafka.tables=orders", "lode.listener.concurrency=4");
		int keys = 20;
		int versions = 25;
		StringBuilder inserts = new StringBuilder();
		for (int id = 1; id <= keys; id++) {
			inserts.append("insert into orders values (").append(id).append(", 'c', 0, 1);");
		}
		sql(inserts.toString());
		for (int version = 2; version <= versions; version++) {
			// each transaction updates every key once, in a different order
			StringBuilder updates = new StringBuilder("begin;");
			for (int i = 0; i < keys; i++) {
				int id = 1 + ((i * 7 + version) % keys);
				updates.append("update orders set version = ").append(version).append(" where id = ").append(id).append(';');
			}
			sql(updates.append("commit").toString());
		}

		List<ConsumerRecord<String, String>> records = RelayKafka.read(prefix() + ".public.orders", keys * versions);
		assertThat(records).hasSize(keys * versions);
		Map<String, Integer> partitions = new HashMap<>();
		Map<String, List<Integer>> versionsByKey = new HashMap<>();
		for (ConsumerRecord<String, String> record : records) {
			assertThat(partitions.computeIfAbsent(record.key(), (key) -> record.partition()))
				.as("partition of %s", record.key())
				.isEqualTo(record.partition());
			versionsByKey.computeIfAbsent(record.key(), (key) -> new ArrayList<>())
				.add(JSON.readTree(record.value()).get("new").get("version").asInt());
		}
		assertThat(new java.util.HashSet<>(partitions.values())).as("keys spread over the partitions").hasSizeGreaterThan(1);
		List<Integer> expected = java.util.stream.IntStream.rangeClosed(1, versions).boxed().toList();
		assertThat(versionsByKey).hasSize(keys);
		versionsByKey.forEach((key, seen) -> assertThat(seen).as("versions of %s in offset order", key)
			.isEqualTo(expected));
	}

	@Test
	void outboxRowsInsertedAndDeletedInOneTransactionArriveAsEventsOnTheTopicOfTheirAggregateType()
			throws Exception {
		String outboxPrefix = prefix() + "-outbox";
		start("lode.relay.kafka.outbox.tables=outbox", "lode.relay.kafka.outbox.topic-prefix=" + outboxPrefix);
		sql("begin;"
				+ "insert into outbox values ('00000000-0000-0000-0000-000000000001', 'Order', '42', 'OrderCreated',"
				+ " '{\"id\": 42, \"total\": 12.5}');"
				+ "insert into outbox values ('00000000-0000-0000-0000-000000000002', 'Customer', 'ann',"
				+ " 'CustomerCreated', '{\"name\": \"ann\"}');"
				+ "delete from outbox;" + "commit");
		sql("insert into outbox values ('00000000-0000-0000-0000-000000000003', 'Order', '42', 'OrderPaid', null)");
		sql("delete from outbox");

		List<ConsumerRecord<String, String>> orders = RelayKafka.read(outboxPrefix + ".Order", 2);
		assertThat(orders).hasSize(2);
		ConsumerRecord<String, String> created = orders.get(0);
		assertThat(created.key()).isEqualTo("42");
		assertThat(JSON.readTree(created.value())).isEqualTo(JSON.readTree("{\"id\": 42, \"total\": 12.5}"));
		assertThat(RelayKafka.header(created, "id")).isEqualTo("00000000-0000-0000-0000-000000000001");
		assertThat(RelayKafka.header(created, "type")).isEqualTo("OrderCreated");
		assertThat(RelayKafka.header(created, "eventType")).isEqualTo("OrderCreated");
		assertThat(RelayKafka.header(created, "aggregatetype")).isEqualTo("Order");
		assertThat(RelayKafka.header(created, "aggregateid")).isEqualTo("42");
		assertThat(RelayKafka.header(created, "payload")).isNull();
		assertThat(RelayKafka.header(created, "lode.commit-lsn")).isNotNull();
		assertThat(RelayKafka.header(created, "lode.lsn")).isNotNull();
		assertThat(orders.get(1).value()).as("a NULL payload").isNull();
		assertThat(RelayKafka.header(orders.get(1), "type")).isEqualTo("OrderPaid");

		List<ConsumerRecord<String, String>> customers = RelayKafka.read(outboxPrefix + ".Customer", 1);
		assertThat(customers).hasSize(1);
		assertThat(customers.get(0).key()).isEqualTo("ann");
		assertThat(RelayKafka.header(customers.get(0), "lode.commit-lsn"))
			.isEqualTo(RelayKafka.header(created, "lode.commit-lsn"));
		assertThat(this.pg.queryForString(this.db, "select count(*) from outbox")).isEqualTo("0");
		String last = this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text");
		await().atMost(Duration.ofSeconds(20)).until(() -> confirmed().compareTo(Lsn.parse(last)) >= 0);
	}

}
