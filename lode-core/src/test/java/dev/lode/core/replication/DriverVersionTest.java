package dev.lode.core.replication;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DriverVersionTest {

	@Test
	void aDriverOlderThan4276IsRefusedWithTheRequiredVersion() {
		assertThatThrownBy(() -> DriverVersion.check(new int[] { 42, 7, 5 }, "42.7.5"))
			.isInstanceOf(ReplicationSetupException.class)
			.hasMessageContaining("42.7.6 or later")
			.hasMessageContaining("42.7.5 is on the classpath");
		assertThatThrownBy(() -> DriverVersion.check(new int[] { 42, 6, 2 }, "42.6.2"))
			.isInstanceOf(ReplicationSetupException.class);
	}

	@Test
	void supportedDriversPass() {
		assertThatCode(() -> DriverVersion.check(new int[] { 42, 7, 6 }, "42.7.6")).doesNotThrowAnyException();
		assertThatCode(() -> DriverVersion.check(new int[] { 42, 7, 11 }, "42.7.11")).doesNotThrowAnyException();
		assertThatCode(() -> DriverVersion.check(new int[] { 43, 0, 0 }, "43.0.0")).doesNotThrowAnyException();
	}

	@Test
	void theDriverOnTheClasspathIsSupported() {
		assertThatCode(DriverVersion::check).doesNotThrowAnyException();
	}

}
