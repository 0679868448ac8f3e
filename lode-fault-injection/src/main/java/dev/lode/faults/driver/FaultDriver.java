package dev.lode.faults.driver;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.lode.core.Lsn;
import dev.lode.faults.driver.FaultPlan.Fault;
import dev.lode.faults.ledger.LedgerRecord;
import dev.lode.test.TestPostgres;

/**
 * Drives a fault-injection run: commits the known rows {@code 1..n} into {@code fault_events} while it
 * kills the consumer application ({@code kill -9}), terminates its walsender and restarts the server, waits
 * until the consumer caught up and audits the consumer's ledgers ({@link DeliveryAudit}).
 *
 * <p>Faults come one at a time: before each, the driver waits until lode streams again after the previous
 * one (so every fault hits a streaming consumer, often in the middle of a backlog), then pauses a random
 * time. Waits have deadlines; a consumer that does not resume, exits by itself or does not catch up is a
 * problem of the report, not a hang of the build.
 *
 * <p>Run it with {@code ./mvnw -pl lode-fault-injection -am verify -Dlode.faults=full} (see
 * docs/fault-injection.md) or, on a classpath with this module, {@code java dev.lode.faults.driver.FaultDriver
 * full [seed]}.
 */
public final class FaultDriver {

	static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

	static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(2);

	static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(3);

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

	private final TestPostgres pg;

	private final FaultPlan plan;

	private final Path directory;

	private final PrintStream out;

	private final List<String> extraConsumerArguments;

	/** Relay mode: the consumer relays to this broker, and the topic is audited instead of the ledgers. */
	private final boolean relayMode;

	private RelayBroker broker;

	private final Random random;

	private final List<ConsumerProcess> runs = new ArrayList<>();

	/** The fault that started each recovered session, by run and session number. */
	private final java.util.Map<String, String> sessionCauses = new java.util.HashMap<>();

	private final FaultReport report;

	private final long started = System.nanoTime();

	private ConsumerProcess current;

	private int failedStarts;

	private String database;

	private String slot;

	/** The two-source mode: a second database, slot, writer and ledger (the consumer's source {@code second}). */
	private boolean secondSource;

	private String secondDatabase;

	private String secondSlot;

	/** What started each session of the second source, by run and session number. */
	private final java.util.Map<String, String> secondCauses = new java.util.HashMap<>();

	/**
	 * @param pg the server
	 * @param plan the faults
	 * @param parent where to put this run's directory (ledgers, consumer logs, report)
	 * @param out where to print progress and the report
	 * @param extraConsumerArguments further {@code --name=value} arguments of the consumer
	 */
	public FaultDriver(TestPostgres pg, FaultPlan plan, Path parent, PrintStream out,
			List<String> extraConsumerArguments) {
		this(pg, plan, parent, out, extraConsumerArguments, false);
	}

	/**
	 * @param pg the server
	 * @param plan the faults (with {@link FaultPlan#withBrokerRestarts broker restarts} in relay mode)
	 * @param parent where to put this run's directory (ledgers, consumer logs, report)
	 * @param out where to print progress and the report
	 * @param extraConsumerArguments further {@code --name=value} arguments of the consumer
	 * @param relayMode whether the consumer relays the rows with lode's Kafka relay to a broker in this JVM (the
	 * topic is then audited: every committed id in it, each partition in commit order)
	 */
	public FaultDriver(TestPostgres pg, FaultPlan plan, Path parent, PrintStream out,
			List<String> extraConsumerArguments, boolean relayMode) {
		this.relayMode = relayMode;
		this.pg = pg;
		this.plan = plan;
		this.out = out;
		this.extraConsumerArguments = List.copyOf(extraConsumerArguments);
		this.random = new Random(plan.seed() ^ 0x5DEECE66DL);
		try {
			this.directory = Files.createDirectories(
					parent.resolve(plan.name() + "-" + LocalDateTime.now().format(STAMP) + "-" + ProcessHandle.current().pid()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.report = new FaultReport(plan, this.directory);
	}

	/**
	 * The two-source mode: the consumer streams a second database (its own writer, slot and ledger) as the source
	 * {@code second} besides the default; a kill or a server restart hits both sources, a walsender termination
	 * terminates both walsenders, and each source's ledgers are audited on their own.
	 * @return this driver
	 */
	public FaultDriver withSecondSource() {
		this.secondSource = true;
		return this;
	}

	/**
	 * Runs the plan and returns the report (also written to {@code report.txt}); never throws for what the
	 * consumer does, only for a broken environment.
	 */
	public FaultReport run() throws Exception {
		if (this.plan.restarts() > 0 && !this.pg.isLocalCluster()) {
			throw new IllegalStateException("Fault injection restarts the PostgreSQL server and needs the throwaway"
					+ " local cluster of lode-test-support, but the test server is " + this.pg.describe()
					+ ": unset LODE_TEST_JDBC_URL (and stop Docker, or set LODE_TEST_PG_BIN)");
		}
		setUp();
		if (this.relayMode) {
			this.broker = new RelayBroker();
			this.broker.createTopic(relayTopic(), 4);
			log("relay mode: embedded Kafka broker at " + this.broker.bootstrapServers() + ", topic " + relayTopic()
					+ " (4 partitions)");
		}
		else if (this.plan.brokerRestarts() > 0) {
			throw new IllegalStateException("broker restarts need the relay mode");
		}
		RowWriter writer = new RowWriter(this.pg, this.database, this.plan.seed(), this.plan.rowsPerSecond());
		Thread writerThread = new Thread(writer, "fault-writer");
		RowWriter secondWriter = this.secondSource
				? new RowWriter(this.pg, this.secondDatabase, this.plan.seed() + 1, this.plan.rowsPerSecond()) : null;
		Thread secondThread = (secondWriter != null) ? new Thread(secondWriter, "fault-writer-second") : null;
		try {
			launch();
			awaitStreaming("the first start", 0, STARTUP_TIMEOUT);
			awaitSecondStreaming("the first start", 0);
			writerThread.start();
			if (secondThread != null) {
				secondThread.start();
			}
			List<Fault> schedule = this.plan.schedule();
			int number = 0;
			for (Fault fault : schedule) {
				number++;
				pause(randomMillis(this.plan.maxPause()));
				checkWriter(writer);
				if (secondWriter != null) {
					checkWriter(secondWriter);
				}
				inject(fault, number, schedule.size());
			}
			writer.stopAfter(this.plan.minRows());
			log("all faults injected; the writer finishes at " + Math.max(this.plan.minRows(), writer.committedRows())
					+ " rows");
			long remaining = Math.max(0, this.plan.minRows() - writer.committedRows());
			writerThread.join(TimeUnit.SECONDS.toMillis(120 + 2 * remaining / this.plan.rowsPerSecond()));
			if (writerThread.isAlive() || writer.failure() != null || writer.endLsn() == null) {
				throw new FaultRunException("the writer did not finish: " + writer.failure(), writer.failure());
			}
			awaitCatchUp(this.database, this.slot, Lsn.parse(writer.endLsn()));
			if (secondWriter != null) {
				secondWriter.stopAfter(this.plan.minRows());
				secondThread.join(TimeUnit.SECONDS.toMillis(120 + 2 * remaining / this.plan.rowsPerSecond()));
				if (secondThread.isAlive() || secondWriter.failure() != null || secondWriter.endLsn() == null) {
					throw new FaultRunException("the second writer did not finish: " + secondWriter.failure(),
							secondWriter.failure());
				}
				awaitCatchUp(this.secondDatabase, this.secondSlot, Lsn.parse(secondWriter.endLsn()));
			}
			stopConsumer();
		}
		catch (FaultRunException ex) {
			this.report.problems.add(ex.getMessage());
			log("PROBLEM: " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			this.report.problems.add("the driver failed: " + ex);
			log("PROBLEM: the driver failed: " + ex);
			ex.printStackTrace(this.out);
			printConsumerLogTail();
		}
		finally {
			writer.stopAfter(0);
			writerThread.join(TimeUnit.MINUTES.toMillis(2));
			if (secondWriter != null) {
				secondWriter.stopAfter(0);
				secondThread.join(TimeUnit.MINUTES.toMillis(2));
				this.report.secondCommittedRows = secondWriter.committedRows();
			}
			killLeftovers();
			this.report.committedRows = writer.committedRows();
			this.report.transactions = writer.transactions();
			this.report.writerConnectionLosses = writer.connectionLosses();
			this.report.uncertainCommits = writer.uncertainCommits();
			this.report.endLsn = writer.endLsn();
		}
		try {
			audit();
			dropSlot(this.database, this.slot);
			if (this.secondSource) {
				dropSlot(this.secondDatabase, this.secondSlot);
			}
		}
		catch (RuntimeException ex) {
			// after a failed run the server can be gone (a restart that did not complete): the report says so
			// beside the run's own problem instead of hiding it behind the audit's query error
			this.report.problems.add("the audit could not run: " + ex.getMessage());
			log("PROBLEM: the audit could not run: " + ex.getMessage());
		}
		if (this.broker != null) {
			this.broker.close();
		}
		this.report.duration = Duration.ofNanos(System.nanoTime() - this.started);
		String text = this.report.toString();
		Files.writeString(this.directory.resolve("report.txt"), text);
		this.out.print(text);
		this.out.flush();
		return this.report;
	}

	private void setUp() {
		this.database = this.pg.createDatabase("faults");
		this.slot = this.database; // [a-z0-9_], unique in the cluster
		this.pg.execute(this.database, "create table fault_events (id bigint primary key, note text not null)",
				// before the first row: every committed row is in the slot's stream
				"select pg_create_logical_replication_slot('" + this.slot + "', 'wal2json')");
		if (this.secondSource) {
			this.secondDatabase = this.pg.createDatabase("faults_second");
			this.secondSlot = this.secondDatabase;
			this.pg.execute(this.secondDatabase, "create table fault_events (id bigint primary key, note text not null)",
					"select pg_create_logical_replication_slot('" + this.secondSlot + "', 'wal2json')");
		}
		log("plan " + this.plan + "; consumer arguments " + this.extraConsumerArguments + "; database " + this.database + " on " + this.pg.describe() + "; files in "
				+ this.directory + "; consumer classpath of " + ConsumerProcess.classPath().split(java.io.File.pathSeparator).length
				+ " entries");
	}

	private void inject(Fault fault, int number, int total) throws InterruptedException {
		ConsumerProcess consumer = this.current;
		int sessionsBefore = consumer.sessions();
		int secondBefore = consumer.secondSessions();
		Lsn confirmedBefore = confirmedFlushLsn();
		long faultAt = System.nanoTime();
		String what;
		switch (fault) {
			case KILL_CONSUMER -> {
				long delivered = consumer.deliveries();
				consumer.kill9();
				what = "kill -9 of " + consumer + " after " + delivered + " deliveries";
				faultAt = System.nanoTime();
				launch();
				sessionsBefore = 0;
				secondBefore = 0;
			}
			case TERMINATE_WALSENDER -> {
				long pid = terminateWalsender(this.database, this.slot);
				what = "pg_terminate_backend(" + pid + "), the walsender of " + consumer;
				if (this.secondSource) {
					what += " and pg_terminate_backend(" + terminateWalsender(this.secondDatabase, this.secondSlot)
							+ "), the walsender of its second source";
				}
			}
			case RESTART_BROKER -> {
				Duration took = this.broker.restart(Duration.ofMillis(500 + randomMillis(Duration.ofSeconds(3))));
				what = "stop and start of the Kafka broker (" + took.toMillis() + " ms) under " + consumer;
				this.report.injected.merge(fault, 1, Integer::sum);
				Duration recovery = awaitAcknowledgedAfter(what, faultAt);
				this.report.recoveries.get(fault).add(recovery);
				log(String.format("fault %d/%d %s: %s; acknowledging again after %d ms", number, total, fault, what,
						recovery.toMillis()));
				return;
			}
			case RESTART_SERVER -> {
				this.pg.restart();
				what = "fast restart of the server (" + Duration.ofNanos(System.nanoTime() - faultAt).toMillis()
						+ " ms) under " + consumer;
			}
			default -> throw new IllegalStateException(fault.name());
		}
		this.report.injected.merge(fault, 1, Integer::sum);
		Duration recovery = awaitStreaming(what, sessionsBefore, RECOVERY_TIMEOUT, faultAt);
		// faults come one at a time: the first session after this one's recovery is the one it started
		this.sessionCauses.put(DeliveryAudit.session(this.runs.size(), sessionsBefore + 1),
				fault.label());
		if (this.secondSource) {
			awaitSecondStreaming(what, secondBefore);
			this.secondCauses.put(DeliveryAudit.session(this.runs.size(), secondBefore + 1), fault.label());
		}
		this.report.recoveries.get(fault).add(recovery);
		Lsn resumedAt = Lsn.parse(this.current.lastSessionStart());
		String position = "";
		if (resumedAt.compareTo(confirmedBefore) < 0) {
			position = String.format("; the slot went back from %s to %s", confirmedBefore, resumedAt);
			if (fault == Fault.RESTART_SERVER) {
				// PostgreSQL < 17 does not write a slot whose confirmed_flush_lsn alone moved at the
				// shutdown checkpoint: a restart forgets acknowledgements since the slot was last saved
				this.report.restartsThatForgotAcknowledgements++;
			}
			else {
				this.report.positionRegressions++;
				String problem = "after " + what + " lode resumed at " + resumedAt + ", before the position the slot"
						+ " had confirmed before the fault (" + confirmedBefore + "): acknowledged work is redelivered";
				this.report.problems.add(problem);
				log("PROBLEM: " + problem);
			}
		}
		log(String.format("fault %d/%d %s: %s; streaming again after %d ms at %s%s", number, total, fault, what,
				recovery.toMillis(), resumedAt, position));
	}

	/**
	 * Relay mode, after the broker came back: waits until the slot confirmed the WAL position of now, so the
	 * records the consumer had in flight reached the broker and lode acknowledged them.
	 */
	private Duration awaitAcknowledgedAfter(String what, long since) throws InterruptedException {
		Lsn now = Lsn.parse(this.pg.queryForString(this.database, "select pg_current_wal_lsn()::text"));
		long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
		while (confirmedFlushLsn().compareTo(now) < 0) {
			checkConsumer();
			if (System.nanoTime() - deadline > 0) {
				throw new FaultRunException("lode did not acknowledge " + now + " within " + RECOVERY_TIMEOUT.toSeconds()
						+ " s after " + what + "; " + diagnosis());
			}
			Thread.sleep(20);
		}
		return Duration.ofNanos(System.nanoTime() - since);
	}

	private String relayTopic() {
		return this.slot + ".public.fault_events";
	}

	/** Terminates the slot's walsender; returns its pid. */
	private long terminateWalsender(String database, String slot) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			String pid = this.pg.queryForString(database,
					"select active_pid from pg_replication_slots where slot_name = '" + slot + "'");
			if (pid != null) {
				String done = this.pg.queryForString(database, "select pg_terminate_backend(" + pid + ")");
				if ("t".equals(done)) {
					return Long.parseLong(pid);
				}
			}
			if (System.nanoTime() - deadline > 0) {
				throw new FaultRunException("the slot had no walsender to terminate for 60 s; " + diagnosis());
			}
			checkConsumer();
			Thread.sleep(20);
		}
	}

	private Duration awaitStreaming(String after, int sessionsBefore, Duration timeout) throws InterruptedException {
		return awaitStreaming(after, sessionsBefore, timeout, System.nanoTime());
	}

	/**
	 * Waits until the current consumer reports a new streaming session; relaunches a consumer that exited by
	 * itself (a problem of the report).
	 */
	private Duration awaitStreaming(String after, int sessionsBefore, Duration timeout, long since)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		int before = sessionsBefore;
		while (true) {
			ConsumerProcess consumer = this.current;
			if (consumer.sessions() > before) {
				return Duration.ofNanos(System.nanoTime() - since);
			}
			if (checkConsumer()) {
				before = 0;
				continue;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new FaultRunException("lode did not stream again within " + timeout.toSeconds() + " s after "
						+ after + "; " + diagnosis());
			}
			Thread.sleep(20);
		}
	}

	/**
	 * Two-source mode: waits until the current consumer's second source reports a streaming session after the
	 * given number (the default source's wait relaunches a consumer that exited).
	 */
	private void awaitSecondStreaming(String after, int sessionsBefore) throws InterruptedException {
		if (!this.secondSource) {
			return;
		}
		long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
		while (this.current.secondSessions() <= sessionsBefore) {
			if (checkConsumer()) {
				awaitStreaming("an unexpected exit", 0, RECOVERY_TIMEOUT);
				sessionsBefore = 0;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new FaultRunException("the second source did not stream again within "
						+ RECOVERY_TIMEOUT.toSeconds() + " s after " + after + "; " + diagnosis());
			}
			Thread.sleep(20);
		}
	}

	/**
	 * Waits until the slot's confirmed position reached the WAL end after the last commit: the consumer then
	 * acknowledged everything, and whatever is not in the ledgers is lost for good.
	 */
	private void awaitCatchUp(String database, String slot, Lsn end) throws InterruptedException {
		log("waiting until the slot " + slot + " confirmed " + end);
		long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
		while (true) {
			Lsn confirmed = confirmedFlushLsn(database, slot);
			if (confirmed.compareTo(end) >= 0) {
				if (slot.equals(this.slot)) {
					this.report.confirmedFlushLsn = confirmed.toString();
				}
				log("caught up: confirmed_flush_lsn " + confirmed);
				return;
			}
			checkConsumer();
			if (System.nanoTime() - deadline > 0) {
				this.report.confirmedFlushLsn = confirmed.toString();
				throw new FaultRunException("the consumer did not catch up within " + CATCH_UP_TIMEOUT.toSeconds()
						+ " s: confirmed_flush_lsn " + confirmed + " < " + end + "; " + diagnosis());
			}
			Thread.sleep(200);
		}
	}

	private void stopConsumer() throws InterruptedException {
		ConsumerProcess consumer = this.current;
		Integer exit = consumer.stopGracefully(30);
		this.report.lastExitCode = exit;
		if (exit == null) {
			throw new FaultRunException(consumer + " did not stop within 30 s after SIGTERM; " + diagnosis());
		}
		// 143 = 128 + SIGTERM: the JVM ran its shutdown hooks (Spring closed the context, lode stopped)
		if (exit != 0 && exit != 143) {
			throw new FaultRunException(consumer + " exited with " + exit + " after SIGTERM; log:\n"
					+ consumer.logTail(30));
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!"f".equals(this.pg.queryForString(this.database,
				"select active from pg_replication_slots where slot_name = '" + this.slot + "'"))) {
			if (System.nanoTime() - deadline > 0) {
				throw new FaultRunException("the slot is still active 10 s after the consumer stopped");
			}
			Thread.sleep(50);
		}
		log("stopped " + consumer + " (exit " + exit + "); the slot is inactive");
	}

	/** Pauses, watching the consumer. */
	private void pause(long millis) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (System.nanoTime() - end < 0) {
			if (checkConsumer()) {
				awaitStreaming("an unexpected exit", 0, RECOVERY_TIMEOUT);
			}
			Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
		}
	}

	/**
	 * @return whether the consumer had exited by itself (it is reported and relaunched)
	 */
	private boolean checkConsumer() {
		ConsumerProcess consumer = this.current;
		if (consumer.isAlive() || consumer.wasKilled()) {
			return false;
		}
		this.report.unexpectedExits++;
		String problem = consumer + " exited by itself with code " + consumer.exitValue() + "; log "
				+ consumer.log() + " ends with:\n" + consumer.logTail(40);
		this.report.problems.add(problem);
		log("PROBLEM: " + problem);
		this.failedStarts = (consumer.sessions() == 0) ? this.failedStarts + 1 : 0;
		if (this.failedStarts >= 3) {
			throw new FaultRunException("the consumer exited before streaming 3 times in a row; giving up");
		}
		launch();
		return true;
	}

	private void checkWriter(RowWriter writer) {
		if (writer.failure() != null) {
			throw new FaultRunException("the writer failed: " + writer.failure(), writer.failure());
		}
	}

	private void launch() {
		int run = this.runs.size() + 1;
		List<String> arguments = new ArrayList<>(List.of("--spring.main.banner-mode=off",
				"--lode.url=" + this.pg.jdbcUrl(this.database), "--lode.username=" + this.pg.username(),
				"--lode.slot.name=" + this.slot, "--lode.slot.create=false", "--lode.status-interval=1s",
				"--lode.reconnect.initial-interval=200ms", "--lode.reconnect.max-interval=2s",
				"--lode.slot.takeover-interval=500ms", "--lode.listener.retry.initial-interval=50ms",
				"--lode.shutdown.timeout=2s", "--lode.heartbeat.interval=2s",
				"--fault.listener-failure-rate=" + this.plan.listenerFailureRate(),
				"--fault.seed=" + (this.plan.seed() + run), "--fault.parent-pid=" + ProcessHandle.current().pid()));
		if (this.relayMode) {
			arguments.addAll(List.of("--fault.relay=true", "--lode.relay.kafka.enabled=true",
					"--lode.relay.kafka.tables=fault_events", "--lode.relay.kafka.topic-prefix=" + this.slot,
					"--spring.kafka.bootstrap-servers=" + this.broker.bootstrapServers(),
					// the consumer knows the broker is down within a second or two (not the default 60 s)
					"--spring.kafka.producer.properties[max.block.ms]=2000",
					"--spring.kafka.producer.properties[reconnect.backoff.max.ms]=500"));
		}
		arguments.addAll(this.extraConsumerArguments);
		if (this.secondSource) {
			arguments.addAll(List.of("--lode.sources.second.url=" + this.pg.jdbcUrl(this.secondDatabase),
					"--lode.sources.second.slot.name=" + this.secondSlot));
		}
		ConsumerProcess consumer = ConsumerProcess.start(run, this.directory, arguments,
				Map.of("LODE_PASSWORD", this.pg.password()), this.secondSource);
		this.runs.add(consumer);
		this.current = consumer;
		this.report.consumerRuns = this.runs.size();
	}

	private void killLeftovers() throws InterruptedException {
		for (ConsumerProcess consumer : this.runs) {
			if (consumer.isAlive()) {
				consumer.kill9();
			}
		}
	}

	/** @return whether the consumer delivers in commit order: one lane and a synchronous listener */
	private boolean inCommitOrder() {
		for (String argument : this.extraConsumerArguments) {
			if (argument.equals("--fault.async=true") || (argument.startsWith("--lode.listener.concurrency=")
					&& !argument.endsWith("=1"))) {
				return false;
			}
		}
		return true;
	}

	/** The last lines of the running consumer's log, kept in the build's output (a CI clone's files are gone). */
	private void printConsumerLogTail() {
		ConsumerProcess consumer = this.current;
		if (consumer != null) {
			this.out.println("last lines of " + consumer.log() + ":\n" + consumer.logTail(40));
		}
	}

	private void audit() {
		List<List<LedgerRecord>> ledgers = new ArrayList<>();
		int partial = 0;
		for (ConsumerProcess consumer : this.runs) {
			ledgers.add(consumer.records());
			partial += (consumer.partialBytes() > 0) ? 1 : 0;
		}
		this.report.partialLedgerLines = partial;
		java.util.Set<Long> updated = updatedIds(this.database);
		if (this.relayMode) {
			DeliveryAudit.Result topic = TopicAudit.audit(this.report.committedRows, this.broker.readAll(relayTopic()),
					updated);
			topic.runs = ledgers.size();
			for (List<LedgerRecord> ledger : ledgers) {
				for (LedgerRecord record : ledger) {
					topic.sessions += record.isSessionStart() ? 1 : 0;
					topic.reconnects += (record.type() == 'r') ? 1 : 0;
				}
			}
			this.report.audit = topic;
			return;
		}
		this.report.audit = DeliveryAudit.audit(this.report.committedRows, ledgers, this.sessionCauses,
				inCommitOrder(), updated);
		if (this.secondSource) {
			List<List<LedgerRecord>> second = this.runs.stream().map(ConsumerProcess::secondRecords).toList();
			this.report.secondAudit = DeliveryAudit.audit(this.report.secondCommittedRows, second, this.secondCauses,
					inCommitOrder(), updatedIds(this.secondDatabase));
		}
	}

	private java.util.Set<Long> updatedIds(String database) {
		java.util.Set<Long> updated = new java.util.HashSet<>();
		String ids = this.pg.queryForString(database,
				"select coalesce(string_agg(id::text, ','), '') from fault_events where note = 'updated'");
		for (String id : ids.split(",")) {
			if (!id.isBlank()) {
				updated.add(Long.valueOf(id.trim()));
			}
		}
		return updated;
	}

	private void dropSlot(String database, String slot) {
		try {
			this.pg.execute(database, "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
					+ " where slot_name = '" + slot + "' and not active");
		}
		catch (RuntimeException ex) {
			log("could not drop the slot: " + ex.getMessage());
		}
	}

	private Lsn confirmedFlushLsn() {
		return confirmedFlushLsn(this.database, this.slot);
	}

	private Lsn confirmedFlushLsn(String database, String slot) {
		String text = this.pg.queryForString(database,
				"select confirmed_flush_lsn::text from pg_replication_slots where slot_name = '" + slot + "'");
		return (text != null) ? Lsn.parse(text) : Lsn.INVALID;
	}

	private String diagnosis() {
		String slotState;
		try {
			slotState = this.pg.queryForString(this.database,
					"select 'active=' || active || ' active_pid=' || coalesce(active_pid::text, '-')"
							+ " || ' confirmed_flush_lsn=' || confirmed_flush_lsn || ' wal=' || pg_current_wal_lsn()"
							+ " from pg_replication_slots where slot_name = '" + this.slot + "'");
		}
		catch (RuntimeException ex) {
			slotState = "(cannot query: " + ex.getMessage() + ")";
		}
		ConsumerProcess consumer = this.current;
		return "slot " + slotState + "; " + consumer + " alive=" + consumer.isAlive() + " sessions="
				+ consumer.sessions() + " deliveries=" + consumer.deliveries() + "; its log " + consumer.log()
				+ " ends with:\n" + consumer.logTail(40);
	}

	private long randomMillis(Duration max) {
		return (max.toMillis() <= 0) ? 0 : (long) (this.random.nextDouble() * max.toMillis());
	}

	private void log(String message) {
		this.out.printf("[fault-injection %6.1fs] %s%n", (System.nanoTime() - this.started) / 1e9, message);
		this.out.flush();
	}

	/**
	 * Runs a plan outside Maven: {@code java -cp <test classpath> dev.lode.faults.driver.FaultDriver full [seed]}.
	 * Exits with 1 when the report has problems.
	 */
	public static void main(String[] args) throws Exception {
		String name = (args.length > 0) ? args[0] : "short";
		Long seed = (args.length > 1) ? Long.valueOf(args[1]) : null;
		FaultReport report = new FaultDriver(TestPostgres.get(), FaultPlan.named(name, seed),
				Path.of("target", "fault-injection"), System.out, List.of()).run();
		System.exit(report.passed() ? 0 : 1);
	}

	/** A wait ran past its deadline, or the environment broke: a problem of the report. */
	static final class FaultRunException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		FaultRunException(String message) {
			super(message);
		}

		FaultRunException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
