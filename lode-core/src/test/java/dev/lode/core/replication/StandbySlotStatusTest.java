package dev.lode.core.replication;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * lode asks the standby among the hosts of a multi-host URL whether it has the slot synchronised.
 */
class StandbySlotStatusTest {

	@Test
	void theStandbyIsReachedThroughTheSameHostsWithTargetServerTypeSecondary() {
		assertThat(StandbySlotStatus.secondary("jdbc:postgresql://db1:5432,db2:5432/app?targetServerType=primary"))
			.isEqualTo("jdbc:postgresql://db1:5432,db2:5432/app?targetServerType=secondary");
		assertThat(StandbySlotStatus.secondary("jdbc:postgresql://db1,db2/app?sslmode=require&targetServerType=master"))
			.isEqualTo("jdbc:postgresql://db1,db2/app?sslmode=require&targetServerType=secondary");
		assertThat(StandbySlotStatus.secondary("jdbc:postgresql://db1,db2/app"))
			.isEqualTo("jdbc:postgresql://db1,db2/app?targetServerType=secondary");
		assertThat(StandbySlotStatus.secondary("jdbc:postgresql://db1,db2/app?sslmode=require"))
			.isEqualTo("jdbc:postgresql://db1,db2/app?sslmode=require&targetServerType=secondary");
	}

	@Test
	void aSingleHostUrlShowsNoStandby() throws Exception {
		assertThat(StandbySlotStatus.read(ReplicationSettings.of("jdbc:postgresql://db1:5432/app", "u", "p"))).isNull();
	}

}
