package dev.lode.spring.boot.autoconfigure.health;

import java.util.function.Supplier;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * A health indicator (Spring Boot 3.5) that reports a {@link LodeHealthReport} made on each check, for lode's
 * contributions beside the {@code lode} indicator (the Kafka relay's {@code lodeKafkaRelay}).
 *
 * @since 0.4.0
 */
public class LodeReportHealthIndicator extends AbstractHealthIndicator {

	private final Supplier<LodeHealthReport> reports;

	/**
	 * @param reports makes the report of a check
	 */
	public LodeReportHealthIndicator(Supplier<LodeHealthReport> reports) {
		super("lode health check failed");
		this.reports = reports;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		LodeHealthReport report = this.reports.get();
		switch (report.status()) {
			case UP -> builder.up();
			case DOWN -> builder.down();
			case OUT_OF_SERVICE -> builder.outOfService();
		}
		builder.withDetails(report.details());
	}

}
