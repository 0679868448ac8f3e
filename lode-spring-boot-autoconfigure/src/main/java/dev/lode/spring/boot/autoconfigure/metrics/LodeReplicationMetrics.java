package dev.lode.spring.boot.autoconfigure.metrics;

import dev.lode.core.Lsn;
import dev.lode.core.replication.StreamGap;
import dev.lode.core.TransactionInfo;
import dev.lode.core.replication.ReplicationObserver;
import dev.lode.spring.listener.WalSources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Records the replication meters: {@code lode.transactions} (counter of transactions whose listeners
 * all returned), {@code lode.reconnects} (counter), and {@code lode.replication.lag} (gauge, bytes:
 * the server's last known WAL position minus the last position lode acknowledged; 0 before streaming
 * starts); each tagged with the {@code source} ({@code default} for {@code lode.*}; {@link #forSource} gives a
 * source's).
 *
 * @since 0.1.0
 */
public class LodeReplicationMetrics implements ReplicationObserver {

	private final Counter transactions;

	private final Counter reconnects;

	private volatile long serverPosition;

	private final MeterRegistry registry;

	private volatile long acknowledged;

	private final String source;

	/**
	 * @param registry where to register the meters
	 */
	public LodeReplicationMetrics(MeterRegistry registry) {
		this(registry, WalSources.DEFAULT);
	}

	/**
	 * @param registry where to register the meters
	 * @param source the source whose replication these meters measure (their tag {@code source})
	 * @since 0.4.0
	 */
	public LodeReplicationMetrics(MeterRegistry registry, String source) {
		this.registry = registry;
		this.source = source;
		this.transactions = Counter.builder("lode.transactions")
			.description("Transactions whose listeners all returned")
			.tag("source", source)
			.register(registry);
		this.reconnects = Counter.builder("lode.reconnects")
			.description("Attempts to restore a lost replication connection")
			.tag("source", source)
			.register(registry);
		Gauge.builder("lode.replication.lag", this, LodeReplicationMetrics::lagBytes)
			.description("WAL between the server's last known position and lode's last acknowledged position")
			.baseUnit("bytes")
			.tag("source", source)
			.strongReference(true)
			.register(registry);
	}

	@Override
	public ReplicationObserver forSource(String source) {
		return this.source.equals(source) ? this : new LodeReplicationMetrics(this.registry, source);
	}

	@Override
	public void streamingStarted(String slot, Lsn confirmedLsn) {
		this.acknowledged = confirmedLsn.value();
		advanceServer(confirmedLsn);
	}

	@Override
	public void received(Lsn lsn) {
		advanceServer(lsn);
	}

	@Override
	public void serverPosition(Lsn lsn) {
		advanceServer(lsn);
	}

	@Override
	public void acknowledged(Lsn lsn) {
		if (Long.compareUnsigned(lsn.value(), this.acknowledged) > 0) {
			this.acknowledged = lsn.value();
		}
		advanceServer(lsn);
	}

	@Override
	public void transactionCompleted(TransactionInfo transaction, int changes) {
		this.transactions.increment();
	}

	@Override
	public void streamGap(StreamGap gap) {
		Counter.builder("lode.slot.gaps")
			.description("Gaps found in the stream: the slot lode streamed from was gone, invalidated, replaced or on"
					+ " another server")
			.tag("source", this.source)
			.tag("reason", gap.reason().name().toLowerCase(java.util.Locale.ROOT))
			.tag("action", gap.action().name().toLowerCase(java.util.Locale.ROOT))
			.register(this.registry)
			.increment();
	}

	@Override
	public void reconnecting(int attempt, Throwable cause) {
		this.reconnects.increment();
	}

	private void advanceServer(Lsn lsn) {
		if (Long.compareUnsigned(lsn.value(), this.serverPosition) > 0) {
			this.serverPosition = lsn.value();
		}
	}

	/** @return the lag in bytes, never negative */
	double lagBytes() {
		long server = this.serverPosition;
		long acked = this.acknowledged;
		return (server == 0 || Long.compareUnsigned(server, acked) <= 0) ? 0 : (double) (server - acked);
	}

}
