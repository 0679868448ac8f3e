package dev.lode.kafka;

import dev.lode.core.Lsn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exactly-once relay's position: which records Kafka has, and its text on the position topic.
 */
class RelayPositionTests {

	private final RelayPosition position = new RelayPosition(Lsn.parse("0/1A2B3C8"), 3);

	@Test
	void coversEveryRecordOfEarlierTransactionsAndTheCountedRecordsOfItsOwn() {
		assertThat(this.position.covers(Lsn.parse("0/1A2B000"), 1_000)).isTrue();
		assertThat(this.position.covers(Lsn.parse("0/1A2B3C8"), 1)).isTrue();
		assertThat(this.position.covers(Lsn.parse("0/1A2B3C8"), 3)).isTrue();
		assertThat(this.position.covers(Lsn.parse("0/1A2B3C8"), 4)).isFalse();
		assertThat(this.position.covers(Lsn.parse("0/1A2B3D0"), 1)).isFalse();
	}

	@Test
	void isWrittenAsCommitLsnAndCountAndReadBack() {
		assertThat(this.position.text()).isEqualTo("0/1A2B3C8 3");
		assertThat(RelayPosition.parse("0/1A2B3C8 3")).isEqualTo(this.position);
		assertThat(RelayPosition.parse("0/1A2B3C8")).isNull();
	}

}
