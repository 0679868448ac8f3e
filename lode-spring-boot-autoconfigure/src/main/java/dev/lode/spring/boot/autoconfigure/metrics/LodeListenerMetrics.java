package dev.lode.spring.boot.autoconfigure.metrics;

import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.lode.core.ChangeKind;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.spring.listener.WalListenerObserver;
import dev.lode.spring.listener.WalSources;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records the per-change and per-listener meters: {@code lode.changes} (counter; tags {@code schema},
 * {@code table}, {@code kind}), {@code lode.listener} (timer; tags {@code listener}, {@code outcome}
 * {@code success} or {@code failure}), {@code lode.listener.skipped} (counter; tags {@code listener},
 * {@code schema}, {@code table}: changes a listener never received because it failed on them and the
 * {@code skip} failure action went on) and {@code lode.commit.delay} (timer: from PostgreSQL's commit
 * time to the start of dispatching the transaction; includes clock skew between the hosts), each also tagged with
 * the {@code source} ({@code default} for {@code lode.*}; {@link #forSource} gives a source's). Meters are
 * created once per table, kind and listener, and looked up without allocating.
 *
 * @since 0.1.0
 */
public class LodeListenerMetrics implements WalListenerObserver {

	private static final ChangeKind[] KINDS = ChangeKind.values();

	private final MeterRegistry registry;

	private final Clock clock;

	private final Timer commitDelay;

	private final Map<String, Map<String, Counter[]>> changes = new ConcurrentHashMap<>();

	private final Map<String, Timer[]> listeners = new ConcurrentHashMap<>();

	private final String source;

	/** The observers of the other sources (see {@link #forSource}), on the default source's instance. */
	private final Map<String, LodeListenerMetrics> sources;

	/**
	 * @param registry where to register the meters
	 */
	public LodeListenerMetrics(MeterRegistry registry) {
		this(registry, WalSources.DEFAULT, new ConcurrentHashMap<>());
	}

	private LodeListenerMetrics(MeterRegistry registry, String source, Map<String, LodeListenerMetrics> sources) {
		this.registry = registry;
		this.source = source;
		this.sources = sources;
		this.clock = registry.config().clock();
		this.commitDelay = Timer.builder("lode.commit.delay")
			.description("Time from a transaction's commit in PostgreSQL to lode dispatching it")
			.tag("source", source)
			.register(registry);
	}

	/**
	 * @param source a source's name
	 * @return the meters of that source (tag {@code source}); one instance per source
	 * @since 0.4.0
	 */
	@Override
	public LodeListenerMetrics forSource(String source) {
		if (this.source.equals(source)) {
			return this;
		}
		return this.sources.computeIfAbsent(source, (name) -> new LodeListenerMetrics(this.registry, name, this.sources));
	}

	@Override
	public void transactionStarted(TransactionInfo transaction) {
		OffsetDateTime commitTime = transaction.commitTime();
		if (commitTime != null) {
			long committedNanos = TimeUnit.SECONDS.toNanos(commitTime.toEpochSecond()) + commitTime.getNano();
			long nowNanos = TimeUnit.MILLISECONDS.toNanos(this.clock.wallTime());
			this.commitDelay.record(Math.max(0, nowNanos - committedNanos), TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void changeDispatched(WalChange change) {
		Map<String, Counter[]> tables = this.changes.get(change.schema());
		if (tables == null) {
			tables = this.changes.computeIfAbsent(change.schema(), (schema) -> new ConcurrentHashMap<>());
		}
		Counter[] counters = tables.get(change.table());
		if (counters == null) {
			counters = tables.computeIfAbsent(change.table(), (table) -> counters(change.schema(), table));
		}
		counters[change.kind().ordinal()].increment();
	}

	private Counter[] counters(String schema, String table) {
		Counter[] counters = new Counter[KINDS.length];
		for (ChangeKind kind : KINDS) {
			counters[kind.ordinal()] = Counter.builder("lode.changes")
				.description("Changes dispatched to listeners")
				.tag("source", this.source)
				.tag("schema", schema)
				.tag("table", table)
				.tag("kind", kind.name().toLowerCase(Locale.ROOT))
				.register(this.registry);
		}
		return counters;
	}

	@Override
	public void changeSkipped(String listenerId, WalChange change) {
		// rare: registering (or finding) the meter on each call is fine
		Counter.builder("lode.listener.skipped")
			.description("Changes a listener failed on and never received (lode.listener.failure-action=skip)")
			.tag("source", this.source)
			.tag("listener", listenerId)
			.tag("schema", change.schema())
			.tag("table", change.table())
			.register(this.registry)
			.increment();
	}

	@Override
	public void listenerCompleted(String listenerId, long durationNanos, boolean success) {
		Timer[] timers = this.listeners.get(listenerId);
		if (timers == null) {
			timers = this.listeners.computeIfAbsent(listenerId, this::timers);
		}
		timers[success ? 0 : 1].record(durationNanos, TimeUnit.NANOSECONDS);
	}

	private Timer[] timers(String listenerId) {
		return new Timer[] { timer(listenerId, "success"), timer(listenerId, "failure") };
	}

	private Timer timer(String listenerId, String outcome) {
		return Timer.builder("lode.listener")
			.description("Time lode listeners take per change or transaction, argument binding included")
			.tag("source", this.source)
			.tag("listener", listenerId)
			.tag("outcome", outcome)
			.register(this.registry);
	}

}
