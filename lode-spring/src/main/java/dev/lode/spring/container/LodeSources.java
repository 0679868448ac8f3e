package dev.lode.spring.container;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * lode's sources by name: the default one (its container is a bean of its own) and the further ones, whose
 * containers this registry owns, starts and stops (as spring-kafka's listener endpoint registry does with its
 * containers). Each source streams on its own thread, with its own slot, reconnects, standby and acknowledgement:
 * a source that fails or stops does not stop another.
 *
 * @since 0.4.0
 */
public class LodeSources implements SmartLifecycle, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(LodeSources.class);

	private final Map<String, LodeSource> sources = new LinkedHashMap<>();

	private final List<LodeSource> owned;

	private final List<DisposableBean> resources;

	private volatile boolean started;

	/**
	 * @param defaultSource the default source (its container is started and stopped as a bean of its own)
	 * @param further the further sources, whose containers this registry starts and stops
	 * @param resources what to destroy with this registry (the further sources' dispatchers)
	 */
	public LodeSources(LodeSource defaultSource, List<LodeSource> further, List<? extends DisposableBean> resources) {
		this.sources.put(defaultSource.name(), defaultSource);
		for (LodeSource source : further) {
			if (this.sources.putIfAbsent(source.name(), source) != null) {
				throw new IllegalArgumentException("Two lode sources are named '" + source.name() + "'");
			}
		}
		this.owned = List.copyOf(further);
		this.resources = List.copyOf(resources);
	}

	/** @return the names of the sources, the default first */
	public Set<String> names() {
		return Collections.unmodifiableSet(this.sources.keySet());
	}

	/** @return every source, the default first */
	public List<LodeSource> all() {
		return List.copyOf(this.sources.values());
	}

	/** @return whether there are sources besides the default */
	public boolean isMultiple() {
		return !this.owned.isEmpty();
	}

	/**
	 * @param name a source's name
	 * @return the source
	 * @throws IllegalArgumentException when there is no source of that name (the message names the sources)
	 */
	public LodeSource get(String name) {
		LodeSource source = this.sources.get(name);
		if (source == null) {
			throw new IllegalArgumentException("Unknown lode source '" + name + "': the sources are " + names());
		}
		return source;
	}

	/**
	 * Starts the further sources' containers: on the context's automatic start those whose auto-startup is on, on
	 * an explicit start ({@code context.start()}) every one that is not running.
	 */
	@Override
	public void start() {
		boolean automatic = !this.started && isAutoStartup();
		this.started = true;
		for (LodeSource source : this.owned) {
			WalReplicationContainer container = source.container();
			if (!container.isRunning() && (!automatic || container.isAutoStartup())) {
				container.start();
			}
		}
	}

	/** @return whether a further source starts with the context */
	@Override
	public boolean isAutoStartup() {
		return this.owned.stream().anyMatch((source) -> source.container().isAutoStartup());
	}

	/**
	 * Stops the further sources' containers, all at once (each finishes its transaction in flight within its own
	 * shutdown timeout), and returns when all stopped.
	 */
	@Override
	public void stop() {
		List<Thread> stopping = new java.util.ArrayList<>();
		for (LodeSource source : this.owned) {
			Thread thread = new Thread(() -> stop(source), "lode-stop-" + source.name());
			stopping.add(thread);
			thread.start();
		}
		for (Thread thread : stopping) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private static void stop(LodeSource source) {
		try {
			source.container().stop();
		}
		catch (RuntimeException ex) {
			logger.warn("Stopping lode source '{}' failed", source.name(), ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.owned.stream().anyMatch((source) -> source.container().isRunning());
	}

	/**
	 * Spring Framework 7 pauses lifecycle beans of a paused context: the sources stop as on shutdown (see
	 * {@link WalReplicationContainer#isPauseable()}). No {@code @Override}: the method is new in 7.0.
	 * @return {@code true}
	 */
	public boolean isPauseable() {
		return true;
	}

	@Override
	public void destroy() throws Exception {
		for (DisposableBean resource : this.resources) {
			resource.destroy();
		}
	}

}
