package dev.lode.smoke;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lode.core.ChangeKind;
import dev.lode.spring.annotation.OnWalChange;
import org.springframework.stereotype.Component;

/**
 * Receives every new order as a record.
 */
@Component
public class OrderListener {

	/** A row of {@code smoke_orders}. */
	public record Order(long id, String customer, BigDecimal amount) {

	}

	private final List<Order> received = new CopyOnWriteArrayList<>();

	@OnWalChange(table = "smoke_orders", kind = ChangeKind.INSERT)
	void onNewOrder(Order order) {
		this.received.add(order);
	}

	/** @return the orders received so far */
	public List<Order> received() {
		return List.copyOf(this.received);
	}

}
