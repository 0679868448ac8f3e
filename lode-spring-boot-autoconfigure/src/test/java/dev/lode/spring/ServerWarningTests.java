package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import java.time.Duration;

import dev.lode.core.WalChange;
import dev.lode.test.WithPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Server notices (wal2json's warning about a table without replica identity) are drained from the
 * connection and logged once per distinct message.
 */
@WithPostgres
@ExtendWith(OutputCaptureExtension.class)
@Tag("wal2json")
class ServerWarningTests extends LodeTestApps {

	@Test
	void theMissingReplicaIdentityWarningIsLoggedOnce(CapturedOutput output) {
		sql("create table nopk (id int, note text)", "insert into nopk values (1, 'a')");
		ConfigurableApplicationContext context = start(AllTables.class);
		AllTables listener = context.getBean(AllTables.class);
		await().atMost(Duration.ofSeconds(10)).until(this::slotActive);
		for (int i = 0; i < 5; i++) {
			sql("update nopk set note = 'n" + i + "'");
		}
		sql("insert into orders values (1, 'marker', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.changes().stream()
			.anyMatch((c) -> c.table().equals("orders")));
		await().atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains("nopk"));
		String all = output.getAll();
		long warnings = all.lines().filter((line) -> line.contains("PostgreSQL:") && line.contains("nopk")).count();
		assertThat(warnings).isEqualTo(1);
	}

	@Configuration(proxyBeanMethods = false)
	static class AllTables {

		final Recorder received = new Recorder();

		@OnWalChange
		void onChange(WalChange change) {
			this.received.add(change);
		}

	}

}
