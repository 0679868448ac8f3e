package dev.lode.spring.container;

import dev.lode.spring.event.WalStreamingEvent;
import dev.lode.spring.event.WalStreamingFailedEvent;
import dev.lode.spring.event.WalStreamingStoppedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
import dev.lode.core.replication.SlotInUseException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Runs lode's replication loop on its own thread as a {@link SmartLifecycle}.
 * <ul>
 * <li>Starts after the context is refreshed (all listeners are registered) and checks the setup
 * synchronously, so misconfiguration fails startup.</li>
 * <li>Reconnects with back-off when the connection is lost, resuming from the slot; stops for good
 * on permanent errors (authentication, slot dropped, database gone, listener failure after the error
 * handler gave up, undecodable data).</li>
 * <li>Stands by while another process streams from the slot and takes over when it is gone.</li>
 * <li>On stop, finishes the transaction in flight within the shutdown timeout (or abandons it
 * unacknowledged), reports the acknowledged position and releases the slot.</li>
 * </ul>
 *
 * <p>Larger than the module's other classes (about 350 lines) on purpose: {@code start}, {@code stop} and
 * the supervising thread share one state machine (the stop signal, the loop in flight, the lifecycle
 * lock), which is easier to check in one place; its status ({@link ContainerStatus}) and the
 * classification of failures ({@link ReplicationFailures}) live apart.
 *
 * @since 0.1.0
 */
public class WalReplicationContainer implements SmartLifecycle, ApplicationEventPublisherAware {

	private static final Logger logger = LoggerFactory.getLogger(WalReplicationContainer.class);

	private final Supplier<ReplicationSettings> settingsSupplier;

	private final Supplier<WalDecoder> decoders;

	private final ChangeHandler handler;

	private final ContainerOptions options;

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private final ContainerStatus status = new ContainerStatus(this::publish, this);

	private final ReplicationObserver observer;

	private volatile @Nullable ReplicationSettings settings;

	private volatile @Nullable ReplicationLoop loop;

	private volatile @Nullable Thread thread;

	private volatile boolean running;

	private volatile boolean stopping;

	private volatile boolean paused;

	private volatile CountDownLatch stopSignal = new CountDownLatch(0);

	private @Nullable ApplicationEventPublisher publisher;

	private String sourceName = dev.lode.spring.listener.WalSources.DEFAULT;

	/**
	 * @param settings the replication settings, resolved at start (after all listeners are known)
	 * @param decoders creates a decoder for each stream
	 * @param handler receives the changes
	 * @param options start, reconnect, standby and stop options
	 * @param observers further observers of the replication (metrics)
	 */
	public WalReplicationContainer(Supplier<ReplicationSettings> settings, Supplier<WalDecoder> decoders,
			ChangeHandler handler, ContainerOptions options, List<? extends ReplicationObserver> observers) {
		List<ReplicationObserver> all = new ArrayList<>();
		all.add(this.status);
		all.addAll(observers);
		this.observer = (all.size() == 1) ? this.status : new CompositeReplicationObserver(all);
		this.settingsSupplier = settings;
		this.decoders = decoders;
		this.handler = handler;
		this.options = options;
	}

	/**
	 * Names the source this container streams (logs and lifecycle events carry it); {@code default} unless set.
	 * @param sourceName the source's name
	 * @since 0.4.0
	 */
	public void setSourceName(String sourceName) {
		this.sourceName = sourceName;
	}

	/**
	 * @return the name of the source this container streams ({@code default} for the one of {@code lode.*})
	 * @since 0.4.0
	 */
	public String getSourceName() {
		return this.sourceName;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	private void publish(WalStreamingEvent event) {
		ApplicationEventPublisher target = this.publisher;
		if (target != null) {
			try {
				target.publishEvent(event);
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of {} failed", event.getClass().getSimpleName(), ex);
			}
		}
	}

	@Override
	public void start() {
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				return;
			}
			ReplicationSettings current = this.settingsSupplier.get();
			this.settings = current;
			this.stopping = false;
			this.paused = false;
			this.stopSignal = new CountDownLatch(1);
			this.status.state = ReplicationState.STARTING;
			this.status.error = null;
			ReplicationLoop first = newLoop(current);
			boolean opened = false;
			try {
				first.open(true);
				opened = true;
				this.status.state = streamingState();
			}
			catch (SlotInUseException ex) {
				standby(ex);
			}
			catch (RuntimeException ex) {
				this.status.failed(ex);
				throw ex;
			}
			catch (Exception ex) {
				this.status.failed(ex);
				throw new IllegalStateException("lode could not start streaming from slot '" + current.slotName()
						+ "': " + ex.getMessage(), ex);
			}
			this.running = true;
			ReplicationLoop initial = opened ? first : null;
			Thread t = new Thread(() -> supervise(current, initial), "lode-replication-" + current.slotName());
			this.thread = t;
			t.start();
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	private ReplicationLoop newLoop(ReplicationSettings current) {
		ReplicationLoop created = new ReplicationLoop(current, this.decoders.get(), this.handler, this.observer);
		created.setPaused(this.paused);
		this.loop = created;
		return created;
	}

	/**
	 * Runs the loop, reconnecting and standing by as needed, until stopped or a permanent error.
	 */
	private void supervise(ReplicationSettings current, @Nullable ReplicationLoop opened) {
		ReplicationLoop active = opened;
		BackOffExecution backOff = null;
		int attempt = 0;
		try {
			while (!this.stopping) {
				try {
					if (active == null) {
						active = newLoop(current);
						// from what this process acknowledged: its last status update may not have arrived
						active.open(false, this.status.acknowledged);
						this.status.state = streamingState();
						if (attempt > 0) {
							logger.info("Reconnected to slot '{}' after {} attempt(s)", current.slotName(), attempt);
						}
					}
					backOff = null;
					attempt = 0;
					active.run();
					active = null;
					if (!this.stopping) {
						throw new ReplicationFailures.StreamEndedException();
					}
				}
				catch (SlotInUseException ex) {
					active = null;
					standby(ex);
					pause(this.options.takeoverInterval().toMillis());
				}
				catch (Throwable ex) {
					active = null;
					if (this.stopping) {
						break;
					}
					Throwable cause = ReplicationFailures.unwrap(ex);
					if (ReplicationFailures.isPermanent(ex)) {
						this.status.failed(cause);
						logger.error("Streaming from slot '{}' stopped: {}; nothing after {} was acknowledged",
								current.slotName(), cause.getMessage(), this.status.acknowledged, cause);
						publish(new WalStreamingFailedEvent(this, current.slotName(), this.status.acknowledged, cause));
						return;
					}
					if (backOff == null) {
						backOff = this.options.reconnectBackOff().start();
					}
					long wait = backOff.nextBackOff();
					if (wait == BackOffExecution.STOP) {
						this.status.failed(cause);
						logger.error("Giving up on slot '{}' after {} reconnect attempts", current.slotName(), attempt,
								cause);
						publish(new WalStreamingFailedEvent(this, current.slotName(), this.status.acknowledged, cause));
						return;
					}
					attempt++;
					this.status.reconnects.incrementAndGet();
					this.status.state = ReplicationState.RECONNECTING;
					this.status.error = cause;
					this.observer.reconnecting(attempt, cause);
					logger.warn("Lost the replication connection of slot '{}' ({}); reconnecting in {} ms (attempt {})",
							current.slotName(), cause.toString(), wait, attempt);
					pause(wait);
				}
			}
		}
		finally {
			if (this.status.state != ReplicationState.FAILED) {
				this.status.state = ReplicationState.STOPPED;
				publish(new WalStreamingStoppedEvent(this, current.slotName(), this.status.acknowledged));
			}
			this.running = false;
		}
	}

	private ReplicationState streamingState() {
		return this.paused ? ReplicationState.PAUSED : ReplicationState.STREAMING;
	}

	/**
	 * Pauses dispatching, as for maintenance: lode finishes the transaction it is reading, then reads nothing
	 * more; it stays connected and keeps the slot (status updates keep the connection), the work in flight
	 * completes and is acknowledged, and WAL accumulates on the server until {@link #resume()}. Survives
	 * reconnects; a stop ends it.
	 * @since 0.2.0
	 */
	public void pause() {
		setPaused(true, ReplicationState.STREAMING, ReplicationState.PAUSED);
		logger.info("Paused streaming; WAL accumulates on the server until resumed");
	}

	/**
	 * Resumes after {@link #pause()}: what was committed meanwhile is dispatched, in commit order.
	 * @since 0.2.0
	 */
	public void resume() {
		setPaused(false, ReplicationState.PAUSED, ReplicationState.STREAMING);
		logger.info("Resumed streaming");
	}

	/** Tells the loop (and the next ones), and moves the state from one to the other if it is that one. */
	private void setPaused(boolean paused, ReplicationState from, ReplicationState to) {
		this.paused = paused;
		ReplicationLoop current = this.loop;
		if (current != null) {
			current.setPaused(paused);
		}
		if (this.status.state == from) {
			this.status.state = to;
		}
	}

	/**
	 * @return whether {@link #pause()} was called and not {@link #resume()}
	 * @since 0.2.0
	 */
	public boolean isPaused() {
		return this.paused;
	}

	private void standby(SlotInUseException ex) {
		if (this.status.state != ReplicationState.STANDBY) {
			logger.info("{}; standing by and taking over when it is released", ex.getMessage());
		}
		this.status.state = ReplicationState.STANDBY;
	}

	private void pause(long millis) {
		try {
			this.stopSignal.await(millis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.stopping = true;
		}
	}

	@Override
	public void stop() {
		this.lifecycleLock.lock();
		try {
			Thread t = this.thread;
			if (t == null) {
				return;
			}
			this.stopping = true;
			this.stopSignal.countDown();
			long timeoutNanos = this.options.shutdownTimeout().toNanos();
			ReplicationLoop current = this.loop;
			if (current != null) {
				current.stop(timeoutNanos);
			}
			join(t, timeoutNanos + TimeUnit.SECONDS.toNanos(1));
			if (t.isAlive()) {
				logger.warn("The transaction in flight did not finish within {}; abandoning it unacknowledged"
						+ " (it will be delivered again)", this.options.shutdownTimeout());
				current = this.loop;
				if (current != null) {
					current.abort();
				}
				t.interrupt();
				join(t, TimeUnit.SECONDS.toNanos(5));
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
		return this.options.autoStartup();
	}

	/**
	 * Spring Framework 7 pauses lifecycle beans whose context is paused (its test framework pauses the
	 * inactive contexts of its cache): lode then stops as on shutdown (the transaction in flight finishes
	 * or comes again, the acknowledged position is reported) and releases the slot, so that another
	 * context, or another process, can stream from it; a restarted context resumes from the slot. No
	 * {@code @Override}: the method is new in 7.0, and lode runs on 6.2 too.
	 * @return {@code true}
	 */
	public boolean isPauseable() {
		return true;
	}

	/** @return the settings this container streams with, resolved at start; {@code null} before */
	public @Nullable ReplicationSettings getSettings() {
		return this.settings;
	}

	/** @return the current state */
	public ReplicationState getState() {
		return this.status.state;
	}

	/** @return the error that stopped streaming, or the last connection error while reconnecting */
	public @Nullable Throwable getLastError() {
		return this.status.error;
	}

	/** @return how many times the connection was re-established or attempted since start */
	public int getReconnectCount() {
		return this.status.reconnects.get();
	}

	/**
	 * @return the last gap lode found in its stream in this process (the slot it streamed from gone, invalidated,
	 * replaced or on another server), or {@code null}
	 * @since 0.3.0
	 */
	public dev.lode.core.replication.@Nullable StreamGap getLastGap() {
		return this.status.lastGap;
	}

	/**
	 * @return the slot as it was when streaming last started (with whether it is a failover slot), or {@code null}
	 * @since 0.3.0
	 */
	public dev.lode.core.replication.@Nullable SlotInfo getSlotInfo() {
		return this.status.slot;
	}

	/**
	 * @return the server lode last streamed from (system identifier, timeline), or {@code null}
	 * @since 0.3.0
	 */
	public dev.lode.core.replication.@Nullable ServerIdentity getServerIdentity() {
		return this.status.server;
	}

	/**
	 * @return lode's record of its stream as written when streaming last started (the last gap it recorded among
	 * others), or {@code null}
	 * @since 0.3.0
	 */
	public dev.lode.core.replication.@Nullable StreamRecord getStreamRecord() {
		return this.status.record;
	}

	/**
	 * @return the furthest position lode may confirm to the slot now (its record of the stream vouches for it), or
	 * {@code null} when not streaming
	 * @since 0.3.0
	 */
	public @Nullable Lsn getConfirmLimit() {
		ReplicationLoop current = this.loop;
		return (current != null) ? current.confirmLimit() : null;
	}

	/** @return the last position received from the server, or {@code null} */
	public @Nullable Lsn getLastReceivedLsn() {
		return this.status.received;
	}

	/** @return the last position acknowledged to the server, or {@code null} */
	public @Nullable Lsn getLastAcknowledgedLsn() {
		return this.status.acknowledged;
	}

	/**
	 * @return the handler changes go to (lode's dispatcher, unless replaced)
	 * @since 0.2.0
	 */
	public ChangeHandler getHandler() {
		return this.handler;
	}

	/**
	 * @return the transactions handed to the handler whose listeners have not all completed (0 when not
	 * streaming)
	 * @since 0.2.0
	 */
	public int getTransactionsInFlight() {
		ReplicationLoop current = this.loop;
		return (current != null) ? current.transactionsInFlight() : 0;
	}

	/**
	 * @return the WAL received and not acknowledged yet, in bytes (listeners still working, or positions not
	 * acknowledged yet); {@code null} before both positions are known
	 * @since 0.2.0
	 */
	public @Nullable Long getAcknowledgementLagBytes() {
		Lsn received = this.status.received;
		Lsn acknowledged = this.status.acknowledged;
		if (received == null || acknowledged == null) {
			return null;
		}
		return received.isAfter(acknowledged) ? received.value() - acknowledged.value() : 0L;
	}

	/** @return when the last transaction completed (epoch millis), or 0 if none yet */
	public long getLastTransactionMillis() {
		return this.status.lastTransactionMillis;
	}

}
