package dev.lode.core.replication;

import java.nio.ByteBuffer;
import java.util.Map;

import dev.lode.core.Lsn;
import dev.lode.core.decode.DecodeSink;
import dev.lode.core.decode.WalDecoder;
import dev.lode.test.TestPostgres;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An output plugin that is not installed on the server is a setup error naming the plugin and how
 * to install it (the same path as a server without wal2json).
 */
@WithPostgres
class MissingPluginTest {

	@Test
	void aMissingOutputPluginFailsWithInstallInstructions(TestPostgres pg) {
		String db = pg.createDatabase("missing_plugin");
		ReplicationSettings settings = ReplicationSettings.of(pg.jdbcUrl(db), pg.username(), pg.password())
			.withSlotName(db);
		ReplicationLoop loop = new ReplicationLoop(settings, new PluginOnly("wal2json_not_installed"),
				(change) -> {
				}, ReplicationObserver.NONE);
		assertThatThrownBy(() -> loop.open(true)).isInstanceOf(ReplicationSetupException.class)
			.hasMessageContaining("The output plugin 'wal2json_not_installed' is not installed on the PostgreSQL server")
			.satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(((ReplicationSetupException) ex).action())
				.contains("Install the output plugin"));
	}

	@Test
	void theWal2jsonInstallHintNamesThePackage() {
		org.assertj.core.api.Assertions.assertThat(SlotManager.installHint("wal2json"))
			.contains("apt-get install postgresql-<version>-wal2json")
			.contains("pgoutput");
	}

	private record PluginOnly(String plugin) implements WalDecoder {

		@Override
		public Map<String, String> slotOptions() {
			return Map.of();
		}

		@Override
		public void decode(ByteBuffer payload, Lsn messageLsn, DecodeSink sink) {
		}

		@Override
		public void reset() {
		}

	}

}
