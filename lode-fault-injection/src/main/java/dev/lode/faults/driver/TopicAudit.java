package dev.lode.faults.driver;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lode.core.Lsn;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The audit of the relay mode: the topic is the ledger. Every committed id must be in it ({@code lost=0}), and the
 * update of every row the writer updated; records beyond the first of a change are duplicates (allowed: redelivered after a crash); and in each partition the records
 * must follow commit order: a record whose position {@code (lode.commit-lsn, lode.lsn)} lies before one already seen
 * in its partition must be a copy of an earlier record (a replay after a crash), never a record seen for the first
 * time, which would have been overtaken by a later one. As a row's records all go to one partition, this is per-key
 * order.
 */
final class TopicAudit {

	private static final int EXAMPLES = 10;

	private TopicAudit() {
	}

	/**
	 * @param committed the committed ids are {@code 1..committed}
	 * @param records the topic's records, each partition's in offset order
	 * @param updated the rows the writer updated (each must have an UPDATE record too)
	 * @return what the audit found
	 */
	static DeliveryAudit.Result audit(long committed, List<ConsumerRecord<byte[], byte[]>> records,
			Set<Long> updated) {
		Set<Long> updatesDelivered = new HashSet<>();
		DeliveryAudit.Result r = new DeliveryAudit.Result();
		r.committed = committed;
		int[] counts = new int[(int) committed + 1];
		Map<Integer, Position> latest = new HashMap<>();
		Map<Integer, Set<Position>> seen = new HashMap<>();
		for (ConsumerRecord<byte[], byte[]> record : records) {
			long id = id(record);
			Position position = new Position(Lsn.parse(header(record, "lode.commit-lsn")),
					Lsn.parse(header(record, "lode.lsn")));
			Set<Position> partitionSeen = seen.computeIfAbsent(record.partition(), (p) -> new HashSet<>());
			boolean first = partitionSeen.add(position);
			if ("UPDATE".equals(header(record, "lode.kind"))) {
				r.updateDeliveries++;
				updatesDelivered.add(id);
				r.duplicates += first ? 0 : 1;
			}
			else {
				r.deliveries++;
				if (id < 1 || id > committed) {
					r.unknown++;
					example(r, "partition " + record.partition() + " offset " + record.offset() + ": id " + id
							+ " was never committed");
				}
				else {
					counts[(int) id]++;
				}
			}
			Position last = latest.get(record.partition());
			if (last == null || position.compareTo(last) > 0) {
				latest.put(record.partition(), position);
			}
			else if (first) {
				r.orderViolations++;
				example(r, "partition " + record.partition() + " offset " + record.offset() + ": id " + id + " at "
						+ position + " first appears after " + last);
			}
		}
		DeliveryAudit.countLossesAndDuplicates(r, counts);
		r.updatesCommitted = updated.size();
		for (long id : updated) {
			if (!updatesDelivered.contains(id)) {
				r.lostUpdates++;
				example(r, "the update of row " + id + " is not in the topic");
			}
		}
		return r;
	}

	/** @return the id of the row, from the record key {@code {"id":n}} */
	static long id(ConsumerRecord<byte[], byte[]> record) {
		String key = new String(record.key(), StandardCharsets.UTF_8);
		int colon = key.indexOf(':');
		return Long.parseLong(key.substring(colon + 1, key.length() - 1).trim());
	}

	private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		if (header == null) {
			throw new IllegalStateException("record without " + name + " at offset " + record.offset());
		}
		return new String(header.value(), StandardCharsets.UTF_8);
	}

	private static void example(DeliveryAudit.Result r, String text) {
		if (r.problems.size() < EXAMPLES) {
			r.problems.add(text);
		}
	}

	private record Position(Lsn commit, Lsn lsn) implements Comparable<Position> {

		@Override
		public int compareTo(Position other) {
			int byCommit = this.commit.compareTo(other.commit);
			return (byCommit != 0) ? byCommit : this.lsn.compareTo(other.lsn);
		}

		@Override
		public String toString() {
			return this.commit + "/" + this.lsn;
		}

	}

}
