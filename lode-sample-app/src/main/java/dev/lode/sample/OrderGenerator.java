package dev.lode.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Writes an order, and pays an older one, every few seconds so that changes flow
 * ({@code sample.generate-orders=false} turns it off).
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.generate-orders", matchIfMissing = true)
public class OrderGenerator {

	private static final List<String> CUSTOMERS = List.of("alice", "bob", "carol", "dave");

	private final JdbcTemplate jdbc;

	public OrderGenerator(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Scheduled(initialDelayString = "${sample.interval:3s}", fixedDelayString = "${sample.interval:3s}")
	void writeOrder() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		BigDecimal amount = BigDecimal.valueOf(random.nextDouble(5, 500)).setScale(2, RoundingMode.HALF_UP);
		this.jdbc.update("insert into orders (customer, amount, status) values (?, ?, 'new')",
				CUSTOMERS.get(random.nextInt(CUSTOMERS.size())), amount);
		this.jdbc.update("update orders set status = 'paid' where id = (select min(id) from orders where status = 'new')"
				+ " and (select count(*) from orders where status = 'new') > 2");
	}

}
