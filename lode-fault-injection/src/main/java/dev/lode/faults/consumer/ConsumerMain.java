package dev.lode.faults.consumer;

import java.io.IOException;
import java.nio.file.Path;

import dev.lode.faults.ledger.LedgerWriter;
import dev.lode.spring.container.LodeSource;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.container.ReplicationState;
import dev.lode.spring.container.WalReplicationContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The consumer application of the fault injection: a plain Spring Boot application with the lode starter
 * and one {@code @OnWalChange} listener ({@link FaultEventsListener}) that records every delivered row in a
 * durable ledger. The driver runs it in its own JVM and kills it with {@code kill -9}.
 *
 * <p>Properties (besides {@code lode.*}): {@code fault.ledger} (the ledger file of this run),
 * {@code fault.listener-failure-rate} (probability that the first delivery of a row fails),
 * {@code fault.seed}, {@code fault.fsync} (default true), {@code fault.parent-pid} (the driver: the consumer
 * exits when it is gone), {@code fault.second-ledger} (the two-source mode: the ledger of the source {@code second},
 * see {@link SecondSourceListener}) and {@code fault.drop-every} (only to prove that the audit sees losses: every n-th
 * row is acknowledged but not recorded).
 *
 * <p>Exit codes: 143 after SIGTERM (Spring closed the context, lode stopped gracefully), 1 when startup
 * failed, 2 when a container of lode (of any source) went {@code FAILED} (lode gave up streaming), 3 when the driver is gone.
 */
@SpringBootApplication
public class ConsumerMain {

	private static final Logger logger = LoggerFactory.getLogger(ConsumerMain.class);

	@Bean(destroyMethod = "close")
	LedgerWriter ledgerWriter(@Value("${fault.ledger}") Path ledger, @Value("${fault.fsync:true}") boolean fsync) {
		return new LedgerWriter(ledger, fsync);
	}

	@Bean(destroyMethod = "close")
	@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty("fault.second-ledger")
	SecondSourceListener.SecondLedger secondLedger(@Value("${fault.second-ledger}") Path ledger,
			@Value("${fault.fsync:true}") boolean fsync) {
		return new SecondSourceListener.SecondLedger(new LedgerWriter(ledger, fsync));
	}

	@Bean
	LedgerObserver ledgerObserver(LedgerWriter ledger,
			org.springframework.beans.factory.ObjectProvider<SecondSourceListener.SecondLedger> second) {
		SecondSourceListener.SecondLedger secondLedger = second.getIfAvailable();
		return new LedgerObserver(ledger, (secondLedger != null) ? secondLedger.writer() : null);
	}

	public static void main(String[] args) {
		ConfigurableApplicationContext context;
		try {
			context = new SpringApplicationBuilder(ConsumerMain.class).web(WebApplicationType.NONE).run(args);
		}
		catch (Throwable ex) {
			logger.error("The consumer could not start", ex);
			System.exit(1);
			return;
		}
		LodeSources sources = context.getBean(LodeSources.class);
		LedgerWriter ledger = context.getBean(LedgerWriter.class);
		long parentPid = context.getEnvironment().getProperty("fault.parent-pid", Long.class, -1L);
		ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
		logger.info("Consumer started (pid {}, driver pid {})", ProcessHandle.current().pid(), parentPid);
		while (context.isActive()) {
			if (parent != null && !parent.isAlive()) {
				logger.error("The driver (pid {}) is gone; stopping", parentPid);
				System.exit(3);
			}
			WalReplicationContainer failed = sources.all().stream().map(LodeSource::container)
				.filter((source) -> source.getState() == ReplicationState.FAILED).findFirst().orElse(null);
			if (failed != null) {
				Throwable error = failed.getLastError();
				logger.error("lode stopped streaming for good: {}", String.valueOf(error), error);
				try {
					ledger.gaveUp(String.valueOf(error));
				}
				catch (IOException ex) {
					logger.error("Could not write to the ledger", ex);
				}
				System.exit(2);
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
