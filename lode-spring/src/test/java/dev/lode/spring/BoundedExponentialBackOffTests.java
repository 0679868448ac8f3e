package dev.lode.spring;

import dev.lode.spring.listener.BoundedExponentialBackOff;
import org.junit.jupiter.api.Test;
import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BoundedExponentialBackOffTests {

	@Test
	void intervalsGrowUpToTheLongestAndStopAfterTheAttempts() {
		BackOffExecution execution = new BoundedExponentialBackOff(100, 2.0, 500, 5).start();
		assertThat(new long[] { execution.nextBackOff(), execution.nextBackOff(), execution.nextBackOff(),
				execution.nextBackOff(), execution.nextBackOff(), execution.nextBackOff() })
			.containsExactly(100, 200, 400, 500, 500, BackOffExecution.STOP);
	}

	@Test
	void zeroAttemptsStopsAtOnceAndUnlimitedNeverStops() {
		assertThat(new BoundedExponentialBackOff(100, 2.0, 500, 0).start().nextBackOff())
			.isEqualTo(BackOffExecution.STOP);
		BackOffExecution unlimited = BoundedExponentialBackOff.unlimited(1000, 2.0, 30_000).start();
		for (int i = 0; i < 10_000; i++) {
			assertThat(unlimited.nextBackOff()).isBetween(1000L, 30_000L);
		}
	}

	@Test
	void eachStartBeginsAgain() {
		BoundedExponentialBackOff backOff = new BoundedExponentialBackOff(100, 3.0, 10_000, 2);
		BackOffExecution first = backOff.start();
		first.nextBackOff();
		first.nextBackOff();
		assertThat(first.nextBackOff()).isEqualTo(BackOffExecution.STOP);
		assertThat(backOff.start().nextBackOff()).isEqualTo(100);
	}

	@Test
	void invalidSettingsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BoundedExponentialBackOff(100, 0.5, 500, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> new BoundedExponentialBackOff(-1, 2.0, 500, 1));
	}

}
