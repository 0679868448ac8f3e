package dev.lode.faults.driver;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.lode.faults.consumer.ConsumerMain;
import dev.lode.faults.ledger.LedgerReader;
import dev.lode.faults.ledger.LedgerRecord;

/**
 * One run of the consumer application in its own JVM: its ledger, its log, its process.
 */
final class ConsumerProcess {

	private final int run;

	private final Process process;

	private final LedgerReader ledger;

	private final Path log;

	private int sessions;

	private long deliveries;

	private String lastSessionStart;

	private boolean killed;

	/** The ledger of the second source (two-source mode), or {@code null}. */
	private final @org.jspecify.annotations.Nullable LedgerReader second;

	private int secondSessions;

	ConsumerProcess(int run, Process process, Path ledger, Path log, @org.jspecify.annotations.Nullable Path second) {
		this.run = run;
		this.process = process;
		this.ledger = new LedgerReader(ledger);
		this.log = log;
		this.second = (second != null) ? new LedgerReader(second) : null;
	}

	/**
	 * Starts a consumer JVM with the classpath of this JVM.
	 * @param run the run number (1, 2, ...)
	 * @param dir the directory for the ledger and the log
	 * @param lodeArguments {@code --name=value} arguments
	 * @param environment extra environment (the password)
	 * @return the running consumer
	 */
	static ConsumerProcess start(int run, Path dir, List<String> lodeArguments, Map<String, String> environment) {
		return start(run, dir, lodeArguments, environment, false);
	}

	/**
	 * Starts a consumer JVM with the classpath of this JVM.
	 * @param run the run number (1, 2, ...)
	 * @param dir the directory for the ledgers and the log
	 * @param lodeArguments {@code --name=value} arguments
	 * @param environment extra environment (the password)
	 * @param secondSource whether the consumer has a second source with a ledger of its own
	 * @return the running consumer
	 */
	static ConsumerProcess start(int run, Path dir, List<String> lodeArguments, Map<String, String> environment,
			boolean secondSource) {
		Path ledger = dir.resolve(String.format("ledger-%03d.txt", run));
		Path second = secondSource ? dir.resolve(String.format("ledger-%03d-second.txt", run)) : null;
		Path log = dir.resolve(String.format("consumer-%03d.log", run));
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
				"-Dfile.encoding=UTF-8"));
		command.add("-cp");
		command.add(classPath());
		command.add(ConsumerMain.class.getName());
		command.add("--fault.ledger=" + ledger);
		if (second != null) {
			command.add("--fault.second-ledger=" + second);
		}
		command.addAll(lodeArguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		try {
			return new ConsumerProcess(run, builder.start(), ledger, log, second);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start the consumer JVM: " + command.get(0), ex);
		}
	}

	/**
	 * The classpath of this JVM with absolute entries: Surefire's {@code surefire.test.class.path} when set
	 * (the test classpath), otherwise {@code java.class.path}.
	 */
	static String classPath() {
		String path = System.getProperty("surefire.test.class.path");
		if (path == null || path.isBlank()) {
			path = System.getProperty("java.class.path");
		}
		if (path == null || path.isBlank()) {
			throw new IllegalStateException("java.class.path is empty; cannot start the consumer JVM");
		}
		List<String> entries = new ArrayList<>();
		for (String entry : path.split(File.pathSeparator)) {
			if (!entry.isBlank()) {
				entries.add(Path.of(entry).toAbsolutePath().toString());
			}
		}
		return String.join(File.pathSeparator, entries);
	}

	int run() {
		return this.run;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	boolean wasKilled() {
		return this.killed;
	}

	Path log() {
		return this.log;
	}

	/** Reads the ledger's new lines. */
	synchronized void poll() {
		for (LedgerRecord record : this.ledger.poll()) {
			if (record.isSessionStart()) {
				this.sessions++;
				this.lastSessionStart = record.text();
			}
			else if (record.isDelivery()) {
				this.deliveries++;
			}
		}
	}

	/** @return how many times lode started streaming in this process so far */
	synchronized int sessions() {
		poll();
		return this.sessions;
	}

	/** @return how many times the second source started streaming in this process so far (0 without one) */
	synchronized int secondSessions() {
		LedgerReader reader = this.second;
		if (reader != null) {
			for (LedgerRecord record : reader.poll()) {
				this.secondSessions += record.isSessionStart() ? 1 : 0;
			}
		}
		return this.secondSessions;
	}

	/** @return every record of the second source's ledger (empty without one) */
	synchronized List<LedgerRecord> secondRecords() {
		secondSessions();
		LedgerReader reader = this.second;
		return (reader != null) ? reader.records() : List.of();
	}

	/** @return the slot's confirmed position when lode last started streaming, or {@code null} */
	synchronized String lastSessionStart() {
		poll();
		return this.lastSessionStart;
	}

	/** @return how many rows this process recorded so far */
	synchronized long deliveries() {
		poll();
		return this.deliveries;
	}

	/** @return every record of the ledger (call after the process is gone for the full picture) */
	synchronized List<LedgerRecord> records() {
		poll();
		return this.ledger.records();
	}

	/** @return bytes of a partial last line (a kill inside write) */
	synchronized int partialBytes() {
		poll();
		return this.ledger.partialBytes();
	}

	/** {@code kill -9} (SIGKILL), and waits until the process is gone. */
	void kill9() throws InterruptedException {
		this.killed = true;
		this.process.destroyForcibly();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Consumer run " + this.run + " (pid " + pid() + ") survived SIGKILL");
		}
	}

	/**
	 * SIGTERM: Spring closes the context and lode stops gracefully.
	 * @return the exit code, or {@code null} if it did not exit within the timeout (it is then killed)
	 */
	Integer stopGracefully(long timeoutSeconds) throws InterruptedException {
		this.process.destroy();
		if (this.process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			return this.process.exitValue();
		}
		kill9();
		return null;
	}

	/** @return the exit code; only after the process ended */
	int exitValue() {
		return this.process.exitValue();
	}

	/** @return the last lines of the log, for diagnoses */
	String logTail(int lines) {
		try {
			List<String> all = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(cannot read " + this.log + ": " + ex + ")";
		}
	}

	@Override
	public String toString() {
		return "consumer run " + this.run + " (pid " + pid() + ")";
	}

	/**
	 * Waits until the condition holds, failing with the consumer's log when it exits or the time is up.
	 * @param current the consumer running now, or {@code null}
	 * @param condition what to wait for
	 * @param seconds how long at the most
	 */
	static void awaitTrue(@org.jspecify.annotations.Nullable ConsumerProcess current,
			java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
		while (!condition.getAsBoolean()) {
			if (current != null && !current.isAlive()) {
				throw new IllegalStateException(current + " exited (" + current.exitValue() + "):\n" + current.logTail(40));
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("timed out after " + seconds + " s waiting"
						+ ((current != null) ? "; log of " + current + ":\n" + current.logTail(40) : ""));
			}
			Thread.sleep(100);
		}
	}

}
