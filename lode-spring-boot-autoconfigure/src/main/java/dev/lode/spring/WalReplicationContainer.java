package dev.lode.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.lode.core.Lsn;
import dev.lode.core.decode.WalDecoder;
import dev.lode.core.replication.ChangeHandler;
import dev.lode.core.replication.CompositeReplicationObserver;
import dev.lode.core.replication.ReplicationLoop;
import dev.lode.core.replication.ReplicationObserver;
import dev.lode.core.replication.ReplicationSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs lode's replication loop on its own thread as a {@link SmartLifecycle}: starts after the
 * context is refreshed (all listeners are registered), checks the setup synchronously so that
 * misconfiguration fails startup, and on stop finishes the transaction in flight within the shutdown
 * timeout (or abandons it unacknowledged), reports the acknowledged position and releases the slot.
 *
 * @since 0.1.0
 */
public class WalReplicationContainer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(WalReplicationContainer.class);

	private final ReplicationSettings settings;

	private final Supplier<WalDecoder> decoders;

	private final ChangeHandler handler;

	private final Duration shutdownTimeout;

	private final boolean autoStartup;

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private final Status status = new Status();

	private final ReplicationObserver observer;

	private volatile @Nullable ReplicationLoop loop;

	private volatile @Nullable Thread thread;

	private volatile boolean running;

	/**
	 * @param settings connection and slot settings
	 * @param decoders creates a decoder for each stream
	 * @param handler receives the changes
	 * @param shutdownTimeout how long stopping may wait for the transaction in flight
	 * @param autoStartup whether to start with the application context
	 * @param observers further observers of the replication (metrics)
	 */
	public WalReplicationContainer(ReplicationSettings settings, Supplier<WalDecoder> decoders, ChangeHandler handler,
			Duration shutdownTimeout, boolean autoStartup, List<? extends ReplicationObserver> observers) {
		List<ReplicationObserver> all = new ArrayList<>();
		all.add(this.status);
		all.addAll(observers);
		this.observer = (all.size() == 1) ? this.status : new CompositeReplicationObserver(all);
		this.settings = settings;
		this.decoders = decoders;
		this.handler = handler;
		this.shutdownTimeout = shutdownTimeout;
		this.autoStartup = autoStartup;
	}

	@Override
	public void start() {
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				return;
			}
			this.status.state = ReplicationState.STARTING;
			this.status.error = null;
			ReplicationLoop newLoop = new ReplicationLoop(this.settings, this.decoders.get(), this.handler,
					this.observer);
			try {
				newLoop.open();
			}
			catch (RuntimeException ex) {
				this.status.failed(ex);
				throw ex;
			}
			catch (Exception ex) {
				this.status.failed(ex);
				throw new IllegalStateException("lode could not start streaming from slot '"
						+ this.settings.slotName() + "': " + ex.getMessage(), ex);
			}
			this.loop = newLoop;
			this.status.state = ReplicationState.STREAMING;
			this.running = true;
			Thread t = new Thread(() -> runLoop(newLoop), "lode-replication-" + this.settings.slotName());
			this.thread = t;
			t.start();
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	private void runLoop(ReplicationLoop loop) {
		try {
			loop.run();
			this.status.state = ReplicationState.STOPPED;
		}
		catch (Throwable ex) {
			this.status.failed(ex);
			logger.error("Streaming from slot '{}' failed and stopped; nothing after {} was acknowledged",
					this.settings.slotName(), loop.acknowledgedLsn(), ex);
		}
		finally {
			this.running = false;
		}
	}

	@Override
	public void stop() {
		this.lifecycleLock.lock();
		try {
			ReplicationLoop current = this.loop;
			Thread t = this.thread;
			if (current == null || t == null) {
				return;
			}
			long timeoutNanos = this.shutdownTimeout.toNanos();
			current.stop(timeoutNanos);
			join(t, timeoutNanos + TimeUnit.SECONDS.toNanos(1));
			if (t.isAlive()) {
				logger.warn("The transaction in flight did not finish within {}; abandoning it unacknowledged"
						+ " (it will be delivered again)", this.shutdownTimeout);
				current.abort();
				t.interrupt();
				join(t, TimeUnit.SECONDS.toNanos(5));
			}
			if (this.status.state != ReplicationState.FAILED) {
				this.status.state = ReplicationState.STOPPED;
			}
			this.loop = null;
			this.thread = null;
			this.running = false;
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	private static void join(Thread t, long nanos) {
		try {
			TimeUnit.NANOSECONDS.timedJoin(t, nanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	/** @return the settings this container streams with */
	public ReplicationSettings getSettings() {
		return this.settings;
	}

	/** @return the current state */
	public ReplicationState getState() {
		return this.status.state;
	}

	/** @return the error that stopped streaming, or {@code null} */
	public @Nullable Throwable getLastError() {
		return this.status.error;
	}

	/** @return the last position received from the server, or {@code null} */
	public @Nullable Lsn getLastReceivedLsn() {
		return this.status.received;
	}

	/** @return the last position acknowledged to the server, or {@code null} */
	public @Nullable Lsn getLastAcknowledgedLsn() {
		return this.status.acknowledged;
	}

	/** Health and progress, updated by the replication thread. */
	private static final class Status implements ReplicationObserver {

		volatile ReplicationState state = ReplicationState.NEW;

		volatile @Nullable Throwable error;

		volatile @Nullable Lsn received;

		volatile @Nullable Lsn acknowledged;

		void failed(Throwable ex) {
			this.error = ex;
			this.state = ReplicationState.FAILED;
		}

		@Override
		public void streamingStarted(String slot, Lsn confirmedLsn) {
			this.acknowledged = confirmedLsn;
		}

		@Override
		public void received(Lsn lsn) {
			this.received = lsn;
		}

		@Override
		public void acknowledged(Lsn lsn) {
			this.acknowledged = lsn;
		}

	}

}
