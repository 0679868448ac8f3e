package dev.lode.faults.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerTest {

	@Test
	void theReaderReturnsCompleteLinesIncrementallyAndIgnoresAPartialLastLine(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("ledger.txt");
		LedgerReader reader = new LedgerReader(file);
		assertThat(reader.poll()).isEmpty();
		try (LedgerWriter writer = new LedgerWriter(file, true)) {
			writer.sessionStarted("0/16B3748");
			writer.delivered(1, "0/16B3800");
			assertThat(reader.poll()).extracting(LedgerRecord::toString).containsExactly("s 0/16B3748", "d 1 0/16B3800");
			writer.injectedFailure(2);
			writer.delivered(2, "0/16B3900");
			writer.reconnecting(1);
		}
		Files.writeString(file, "d 3 0/16B", StandardOpenOption.APPEND); // killed inside write
		assertThat(reader.poll()).extracting(LedgerRecord::toString).containsExactly("f 2", "d 2 0/16B3900", "r 1");
		assertThat(reader.partialBytes()).isEqualTo(9);
		assertThat(reader.records()).hasSize(5);
	}

}
