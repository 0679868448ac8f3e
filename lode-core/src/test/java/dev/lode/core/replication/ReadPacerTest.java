package dev.lode.core.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pacer's decisions on a simulated clock: when it parks, and that a quiet stream is never delayed.
 */
class ReadPacerTest {

	private static final long MICROS = TimeUnit.MICROSECONDS.toNanos(1);

	private long now = 1_000_000_000L;

	private final List<Long> parks = new ArrayList<>();

	private static final long PAUSE = TimeUnit.MICROSECONDS.toNanos(200);

	private ReadPacer pacer = pacer(PAUSE);

	private ReadPacer pacer(long pauseNanos) {
		return new ReadPacer(pauseNanos, () -> this.now, (nanos) -> {
			this.parks.add(nanos);
			this.now += nanos;
		});
	}

	/** One read: {@code waitMicros} waiting for the message, then {@code workMicros} handling it. */
	private void read(long waitMicros, long workMicros) {
		this.pacer.beforeRead();
		this.now += waitMicros * MICROS;
		assertThat(this.pacer.afterRead()).isEqualTo(this.now);
		this.now += workMicros * MICROS;
	}

	@Test
	void aQuietStreamIsReadAtOnce() {
		// 500 transactions/s: each wakes the thread up to three times (begin, change, commit), 2 ms apart
		for (int transaction = 0; transaction < 100; transaction++) {
			read(1_900, 5);
			read(40, 5);
			read(40, 5);
		}
		assertThat(this.parks).isEmpty();
	}

	@Test
	void messagesAlreadyBufferedNeverPark() {
		for (int i = 0; i < 10_000; i++) {
			read(1, 1);
		}
		assertThat(this.parks).isEmpty();
	}

	@Test
	void aBusyStreamParksAfterEachWakeUpOnceTheStreakIsLongEnough() {
		for (int i = 0; i < ReadPacer.STREAK; i++) {
			read(50, 5);
		}
		assertThat(this.parks).isEmpty();
		read(50, 5); // the streak is complete: the next read parks first
		read(1, 1);
		assertThat(this.parks).containsExactly(PAUSE);
		read(1, 1); // buffered messages: no more parking
		read(1, 1);
		assertThat(this.parks).hasSize(1);
		read(50, 5); // woken again: park before the next read
		read(1, 1);
		assertThat(this.parks).hasSize(2);
	}

	@Test
	void aPauseEndsTheStreak() {
		for (int i = 0; i <= ReadPacer.STREAK; i++) {
			read(50, 5);
		}
		read(2_000, 5); // a pause in the stream (this read parks first, as the streak asked)
		int parked = this.parks.size();
		read(50, 5);
		read(50, 5);
		assertThat(this.parks).hasSize(parked);
	}


	@Test
	void aPauseOfZeroNeverParks() {
		this.pacer = pacer(0);
		for (int i = 0; i < 100; i++) {
			read(50, 5);
			read(1, 1);
		}
		assertThat(this.parks).isEmpty();
	}

}
