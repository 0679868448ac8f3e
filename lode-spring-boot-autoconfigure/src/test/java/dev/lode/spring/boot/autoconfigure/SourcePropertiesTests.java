package dev.lode.spring.boot.autoconfigure;

import java.time.Duration;

import dev.lode.core.replication.ReplicationSetupException;
import dev.lode.spring.listener.FailureAction;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A source of {@code lode.sources.<name>} takes what {@code lode.*} sets and it does not, except what names the
 * stream.
 */
class SourcePropertiesTests {

	@Test
	void aSourceTakesTheSettingsOfLodeItDoesNotSetButNotTheSlotPublicationAndSnapshotTables() {
		MockEnvironment environment = new MockEnvironment().withProperty("lode.url", "jdbc:postgresql://db/app")
			.withProperty("lode.username", "app")
			.withProperty("lode.status-interval", "1s")
			.withProperty("lode.slot.name", "main")
			.withProperty("lode.pgoutput.publication", "main_pub")
			.withProperty("lode.snapshot.tables", "orders")
			.withProperty("lode.snapshot.mode", "initial")
			.withProperty("lode.listener.failure-action", "skip")
			.withProperty("lode.sources.billing.url", "jdbc:postgresql://db/billing")
			.withProperty("lode.sources.billing.listener.failure-action", "stop")
			.withProperty("lode.sources.billing.listener.concurrency", "4");

		LodeProperties billing = SourceProperties.of(environment, "billing");

		assertThat(billing.getUrl()).isEqualTo("jdbc:postgresql://db/billing");
		assertThat(billing.getUsername()).isEqualTo("app");
		assertThat(billing.getStatusInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(billing.getListener().getFailureAction()).isEqualTo(FailureAction.STOP);
		assertThat(billing.getListener().getConcurrency()).isEqualTo(4);
		assertThat(billing.getSlot().getName()).isEqualTo("lode_billing");
		assertThat(billing.getPgoutput().getPublication()).isNull();
		assertThat(billing.getSnapshot().getTables()).isEmpty();
		assertThat(billing.getSnapshot().getMode()).isEqualTo(LodeProperties.Snapshot.Mode.NEVER);
		assertThat(SourceProperties.names(environment)).containsExactly("billing");
	}

	@Test
	void aSourceNameThatIsNoSlotNameGivesAValidDefaultSlot() {
		assertThat(SourceProperties.defaultSlotName("Read-Model")).isEqualTo("lode_read_model");
	}

	@Test
	void invalidSourcePropertiesAreNamedWithTheirPrefix() {
		MockEnvironment environment = new MockEnvironment().withProperty("lode.sources.billing.slot.name", "Bad-Name")
			.withProperty("lode.sources.billing.listener.concurrency", "0");

		assertThatThrownBy(() -> SourceProperties.of(environment, "billing"))
			.isInstanceOf(ReplicationSetupException.class)
			.hasMessageContaining("lode.sources.billing.slot.name: must be 1 to 63 lower case letters")
			.hasMessageContaining("lode.sources.billing.listener.concurrency");
	}

}
