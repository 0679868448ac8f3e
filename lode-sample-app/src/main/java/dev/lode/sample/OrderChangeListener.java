package dev.lode.sample;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Logs new and changed orders, and the orders a snapshot reads. lode acknowledges each transaction to PostgreSQL only after these
 * methods returned.
 */
@Component
public class OrderChangeListener {

	private static final Logger logger = LoggerFactory.getLogger(OrderChangeListener.class);

	@OnWalChange(table = "orders", kind = ChangeKind.INSERT)
	void onNewOrder(WalChange change) {
		logger.info("New order #{} for {}: {} (commit {})", change.get("id"), change.get("customer"),
				change.get("amount"), change.commitLsn());
	}

	/** The rows a snapshot reads ({@code POST /actuator/lode/snapshot}): the orders as they are. */
	@OnWalChange(table = "orders", kind = ChangeKind.SNAPSHOT)
	void onExistingOrder(WalChange change) {
		logger.info("Order #{} as it is: {} for {}, status={}", change.get("id"), change.get("amount"),
				change.get("customer"), change.get("status"));
	}

	@OnWalChange(table = "orders", kind = { ChangeKind.UPDATE, ChangeKind.DELETE })
	void onChangedOrder(WalChange change) {
		Object id = (change.kind() == ChangeKind.DELETE) ? change.oldValues().get("id") : change.get("id");
		logger.info("Order #{} {}: status={} (commit {})", id, change.kind().name().toLowerCase(),
				change.get("status"), change.commitLsn());
	}

}
