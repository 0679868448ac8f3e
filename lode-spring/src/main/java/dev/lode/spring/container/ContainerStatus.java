package dev.lode.spring.container;

import dev.lode.spring.event.WalStreamGapEvent;
import dev.lode.spring.event.WalStreamingEvent;
import dev.lode.spring.event.WalStreamingStartedEvent;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.replication.ReplicationObserver;
import dev.lode.core.replication.ServerIdentity;
import dev.lode.core.replication.SlotInfo;
import dev.lode.core.replication.StreamGap;
import dev.lode.core.replication.StreamRecord;
import org.jspecify.annotations.Nullable;

/**
 * The state and progress of a {@link WalReplicationContainer}, updated by its replication thread and
 * read by health checks: state, last error, positions, time of the last transaction, reconnects.
 *
 * @since 0.1.0
 */
final class ContainerStatus implements ReplicationObserver {

	private final Consumer<WalStreamingEvent> publisher;

	private final Object source;

	volatile ReplicationState state = ReplicationState.NEW;

	volatile @Nullable Throwable error;

	volatile @Nullable Lsn received;

	volatile @Nullable Lsn acknowledged;

	volatile long lastTransactionMillis;

	final AtomicInteger reconnects = new AtomicInteger();

	volatile @Nullable StreamGap lastGap;

	volatile @Nullable SlotInfo slot;

	volatile @Nullable ServerIdentity server;

	volatile @Nullable StreamRecord record;

	/**
	 * @param publisher publishes the lifecycle events
	 * @param source the events' source (the container)
	 */
	ContainerStatus(Consumer<WalStreamingEvent> publisher, Object source) {
		this.publisher = publisher;
		this.source = source;
	}

	void failed(Throwable ex) {
		this.error = ex;
		this.state = ReplicationState.FAILED;
	}

	@Override
	public void streamingStarted(String slot, Lsn confirmedLsn) {
		this.acknowledged = confirmedLsn;
		this.error = null;
		this.publisher.accept(new WalStreamingStartedEvent(this.source, slot, confirmedLsn));
	}

	@Override
	public void streamGap(StreamGap gap) {
		this.lastGap = gap;
		this.publisher.accept(new WalStreamGapEvent(this.source, gap));
	}

	@Override
	public void streamChecked(SlotInfo slot, ServerIdentity server, StreamRecord record) {
		this.slot = slot;
		this.server = server;
		this.record = record;
	}

	@Override
	public void received(Lsn lsn) {
		this.received = lsn;
	}

	@Override
	public void acknowledged(Lsn lsn) {
		this.acknowledged = lsn;
	}

	@Override
	public void transactionCompleted(TransactionInfo transaction, int changes) {
		if (changes > 0) {
			this.lastTransactionMillis = System.currentTimeMillis();
		}
	}

}
