package dev.lode.spring;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.core.WalChange;
import org.springframework.context.annotation.Configuration;

/**
 * A listener that records every change of {@code orders}.
 */
@Configuration(proxyBeanMethods = false)
class RecordingOrders {

	final Recorder received = new Recorder();

	@OnWalChange(table = "orders")
	void onOrder(WalChange change) {
		this.received.add(change);
	}

}
