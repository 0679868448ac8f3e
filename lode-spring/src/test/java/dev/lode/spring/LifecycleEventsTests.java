package dev.lode.spring;

import dev.lode.spring.event.WalStreamingEvent;
import dev.lode.spring.event.WalStreamingFailedEvent;
import dev.lode.spring.event.WalStreamingStartedEvent;
import dev.lode.spring.event.WalStreamingStoppedEvent;
import dev.lode.core.Lsn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LifecycleEventsTests {

	@Test
	void lifecycleEventsCarryTheSlotThePositionsAndTheCause() {
		Object source = new Object();
		WalStreamingStartedEvent started = new WalStreamingStartedEvent(source, "lode_main", Lsn.parse("0/10"));
		assertThat(started.getSource()).isSameAs(source);
		assertThat(started.getSlotName()).isEqualTo("lode_main");
		assertThat(started.getStartLsn()).isEqualTo(Lsn.parse("0/10"));

		WalStreamingStoppedEvent stopped = new WalStreamingStoppedEvent(source, "lode_main", null);
		assertThat(stopped.getAcknowledgedLsn()).isNull();

		IllegalStateException cause = new IllegalStateException("boom");
		WalStreamingFailedEvent failed = new WalStreamingFailedEvent(source, "lode_main", Lsn.parse("0/20"), cause);
		assertThat(failed.getCause()).isSameAs(cause);
		assertThat(failed.getAcknowledgedLsn()).isEqualTo(Lsn.parse("0/20"));
		assertThat(failed).isInstanceOf(WalStreamingEvent.class);
	}

}
