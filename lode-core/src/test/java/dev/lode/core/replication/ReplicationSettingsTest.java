package dev.lode.core.replication;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicationSettingsTest {

	@Test
	void slotNamesAreValidatedBeforeAnyConnection() {
		ReplicationSettings settings = ReplicationSettings.of("jdbc:postgresql://h/db", "u", "p");
		assertThatThrownBy(() -> settings.withSlotName("Bad-Name")).isInstanceOf(ReplicationSetupException.class)
			.hasMessageContaining("Invalid replication slot name 'Bad-Name'");
		assertThatThrownBy(() -> settings.withSlotName("x'; drop table t; --"))
			.isInstanceOf(ReplicationSetupException.class);
		assertThatThrownBy(() -> settings.withSlotName("a".repeat(64))).isInstanceOf(ReplicationSetupException.class);
		assertThat(settings.withSlotName("lode_main_2").slotName()).isEqualTo("lode_main_2");
	}

	@Test
	void passwordsNeverAppearInToStringOrSafeUrl() {
		ReplicationSettings settings = ReplicationSettings
			.of("jdbc:postgresql://user:s3cret@h:5432/db?password=s3cret&ssl=true", "u", "s3cret");
		assertThat(settings.toString()).doesNotContain("s3cret");
		assertThat(settings.safeUrl()).doesNotContain("s3cret").contains("ssl=true");
	}

	@Test
	void aNonPostgresUrlIsRejected() {
		assertThatThrownBy(() -> ReplicationSettings.of("jdbc:mysql://h/db", null, null))
			.isInstanceOf(ReplicationSetupException.class)
			.hasMessageContaining("is not a PostgreSQL JDBC URL");
	}


	@Test
	void theBusyReadPauseIsBetweenZeroAndOneHundredMilliseconds() {
		ReplicationSettings settings = ReplicationSettings.of("jdbc:postgresql://h/db", "u", "p");
		assertThat(settings.busyReadPause()).isEqualTo(ReplicationSettings.DEFAULT_BUSY_READ_PAUSE)
			.isEqualTo(Duration.ofNanos(200_000));
		assertThat(settings.withBusyReadPause(Duration.ZERO).busyReadPause()).isZero();
		assertThatThrownBy(() -> settings.withBusyReadPause(Duration.ofNanos(-1)))
			.isInstanceOf(ReplicationSetupException.class)
			.hasMessageContaining("lode.busy-read-pause must be between 0 and 100ms");
		assertThatThrownBy(() -> settings.withBusyReadPause(Duration.ofMillis(101)))
			.isInstanceOf(ReplicationSetupException.class);
	}

}
