package dev.lode.kafka;

import dev.lode.core.Lsn;
import org.jspecify.annotations.Nullable;

/**
 * How far Kafka has the exactly-once relay's records: every record of the transactions that committed before
 * {@code commitLsn}, and the first {@code records} records the relay made of the transaction that committed at it
 * (decoding a transaction again makes the same records in the same order). Written as {@code <commit LSN> <records>}.
 *
 * @param commitLsn the commit LSN of the last transaction Kafka has records of
 * @param records how many of that transaction's records Kafka has
 * @since 0.4.0
 */
record RelayPosition(Lsn commitLsn, long records) {

	/**
	 * @param commitLsn a record's transaction
	 * @param index the record's number in its transaction, from 1
	 * @return whether Kafka has that record
	 */
	boolean covers(Lsn commitLsn, long index) {
		int compared = commitLsn.compareTo(this.commitLsn);
		return compared < 0 || (compared == 0 && index <= this.records);
	}

	String text() {
		return this.commitLsn + " " + this.records;
	}

	static @Nullable RelayPosition parse(String text) {
		String[] parts = text.trim().split(" ");
		if (parts.length != 2) {
			return null;
		}
		return new RelayPosition(Lsn.parse(parts[0]), Long.parseLong(parts[1]));
	}

}
