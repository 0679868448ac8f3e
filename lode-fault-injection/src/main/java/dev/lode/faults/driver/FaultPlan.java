package dev.lode.faults.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How much of each fault to inject, and how hard to write meanwhile.
 *
 * @param name {@code short} (CI) or {@code full}
 * @param kills {@code kill -9} of the consumer (each followed by a new consumer process)
 * @param terminations {@code pg_terminate_backend} of the slot's walsender
 * @param restarts fast restarts of the PostgreSQL server ({@code pg_ctl -m fast restart})
 * @param listenerFailureRate probability that the listener throws on the first delivery of a row
 * @param rowsPerSecond the writer's pace (rows committed per second, in transactions of 1 to 20 rows)
 * @param minRows the least number of rows to commit (the writer goes on until all faults are done, and at
 * least this many)
 * @param maxPause longest random pause between the consumer's recovery from one fault and the next fault
 * @param seed the random seed of the schedule, the pauses, the transaction sizes and the listener failures
 * @param brokerRestarts stops and restarts of the Kafka broker (relay mode only, see {@link #withBrokerRestarts})
 */
public record FaultPlan(String name, int kills, int terminations, int restarts, double listenerFailureRate,
		int rowsPerSecond, long minRows, Duration maxPause, long seed, int brokerRestarts) {

	/** A plan without broker restarts. */
	public FaultPlan(String name, int kills, int terminations, int restarts, double listenerFailureRate,
			int rowsPerSecond, long minRows, Duration maxPause, long seed) {
		this(name, kills, terminations, restarts, listenerFailureRate, rowsPerSecond, minRows, maxPause, seed, 0);
	}

	/**
	 * @param count stops and restarts of the Kafka broker the consumer relays to
	 * @return this plan, for the relay mode, with that many broker restarts
	 */
	public FaultPlan withBrokerRestarts(int count) {
		return new FaultPlan(this.name + "-relay", this.kills, this.terminations, this.restarts,
				this.listenerFailureRate, this.rowsPerSecond, this.minRows, this.maxPause, this.seed, count);
	}

	/** The CI version: 5 kills, 5 walsender terminations, 2 server restarts. */
	public static FaultPlan shortPlan(long seed) {
		return new FaultPlan("short", 5, 5, 2, 0.02, 100, 3_000, Duration.ofSeconds(3), seed);
	}

	/** The full version: 50 kills, 50 walsender terminations, 10 server restarts. */
	public static FaultPlan fullPlan(long seed) {
		return new FaultPlan("full", 50, 50, 10, 0.02, 100, 20_000, Duration.ofSeconds(3), seed);
	}

	/**
	 * @param name {@code short} or {@code full}
	 * @param seed the seed, or {@code null} for a new one
	 * @return the plan
	 */
	public static FaultPlan named(String name, Long seed) {
		long s = (seed != null) ? seed : new Random().nextLong();
		return switch (name.trim().toLowerCase(Locale.ROOT)) {
			case "short", "" -> shortPlan(s);
			case "full" -> fullPlan(s);
			default -> throw new IllegalArgumentException("lode.faults must be 'short' or 'full', not '" + name + "'");
		};
	}

	/** @return the faults in a random order (fixed by the seed) */
	public List<Fault> schedule() {
		List<Fault> faults = new ArrayList<>();
		for (int i = 0; i < this.kills; i++) {
			faults.add(Fault.KILL_CONSUMER);
		}
		for (int i = 0; i < this.terminations; i++) {
			faults.add(Fault.TERMINATE_WALSENDER);
		}
		for (int i = 0; i < this.restarts; i++) {
			faults.add(Fault.RESTART_SERVER);
		}
		for (int i = 0; i < this.brokerRestarts; i++) {
			faults.add(Fault.RESTART_BROKER);
		}
		Collections.shuffle(faults, new Random(this.seed));
		return faults;
	}

	/** The faults the driver injects (listener failures are injected by the consumer itself). */
	public enum Fault {

		/** {@code kill -9} of the consumer JVM, then a new consumer. */
		KILL_CONSUMER,

		/** {@code select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = ...}. */
		TERMINATE_WALSENDER,

		/** {@code pg_ctl -m fast -w restart} of the server. */
		RESTART_SERVER,

		/** Relay mode: the Kafka broker the consumer relays to stops and starts again (same port, same data). */
		RESTART_BROKER;

		/** @return the name reports use, e.g. {@code kill-consumer} */
		public String label() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
		}

	}

}
