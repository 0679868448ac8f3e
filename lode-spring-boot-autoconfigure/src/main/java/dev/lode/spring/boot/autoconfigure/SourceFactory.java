package dev.lode.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lode.core.replication.ReplicationObserver;
import dev.lode.core.replication.ReplicationSettings;
import dev.lode.core.replication.ReplicationSetupException;
import dev.lode.core.snapshot.SnapshotCoordinator;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthReport;
import dev.lode.spring.container.LodeSnapshots;
import dev.lode.spring.container.LodeSource;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.WalChangeDispatcher;
import dev.lode.spring.listener.WalChangeErrorHandler;
import dev.lode.spring.listener.WalChangeListenerFactory;
import dev.lode.spring.listener.WalListenerObserver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;

/**
 * Makes the further sources of {@code lode.sources.<name>.*}: for each, its connection (its own properties, then
 * those of {@code lode.*}, then the application's JDBC connection, as for the default source), a dispatcher whose
 * events carry the source's name, its error handler, snapshots and container. The observers of the application
 * (metrics among them) observe each source through their {@code forSource} view.
 */
final class SourceFactory {

	private final Environment environment;

	private final ApplicationEventPublisher publisher;

	private final WalChangeListenerFactory listenerFactory;

	private final List<WalListenerObserver> listenerObservers;

	private final List<ReplicationObserver> replicationObservers;

	private final List<ListenerTables> listenerTables;

	private final ObjectProvider<JdbcConnectionFallback> jdbc;

	SourceFactory(Environment environment, ApplicationEventPublisher publisher, WalChangeListenerFactory listenerFactory,
			List<WalListenerObserver> listenerObservers, List<ReplicationObserver> replicationObservers,
			List<ListenerTables> listenerTables, ObjectProvider<JdbcConnectionFallback> jdbc) {
		this.environment = environment;
		this.publisher = publisher;
		this.listenerFactory = listenerFactory;
		this.listenerObservers = listenerObservers;
		this.replicationObservers = replicationObservers;
		this.listenerTables = listenerTables;
		this.jdbc = jdbc;
	}

	/**
	 * @param defaultSource the default source
	 * @param defaultSettings its settings
	 * @param names the further sources' names
	 * @return the registry of all sources
	 */
	LodeSources sources(LodeSource defaultSource, ReplicationSettings defaultSettings, Set<String> names) {
		List<LodeSource> further = new ArrayList<>();
		List<WalChangeDispatcher> dispatchers = new ArrayList<>();
		Map<String, String> streams = new LinkedHashMap<>();
		streams.put(stream(defaultSettings), defaultSource.name());
		for (String name : names) {
			LodeProperties properties = SourceProperties.of(this.environment, name);
			if (!properties.isEnabled()) {
				continue;
			}
			ReplicationSettings settings = SourceWiring.settings(properties,
					new PropertiesLodeConnectionDetails(properties, this.jdbc, this.environment));
			String other = streams.putIfAbsent(stream(settings), name);
			if (other != null) {
				throw new ReplicationSetupException("lode sources '" + other + "' and '" + name + "' stream the same slot '"
						+ settings.slotName() + "' of the same database: one would stand by while the other streams",
						"Give " + SourceProperties.prefix(name) + ".slot.name a slot of its own");
			}
			WalChangeErrorHandler errorHandler = LodeErrorHandlers.fromProperties(properties);
			WalChangeDispatcher dispatcher = new WalChangeDispatcher(this.publisher,
					WalListenerObserver.of(this.listenerObservers, name), errorHandler,
					properties.getListener().dispatchOptions(), name);
			dispatchers.add(dispatcher);
			SnapshotCoordinator coordinator = SourceWiring.snapshots(name, settings, dispatcher, errorHandler,
					this.listenerFactory, properties, this.listenerTables);
			WalReplicationContainer container = SourceWiring.container(name, settings, coordinator,
					this.listenerFactory, properties,
					this.replicationObservers.stream().map((observer) -> observer.forSource(name)).toList(),
					this.listenerTables);
			container.setApplicationEventPublisher(this.publisher);
			further.add(new LodeSource(name, settings.slotName(), container, new LodeSnapshots(coordinator, this.publisher, name),
					LodeHealthReport.describe(properties.outputFormat())));
		}
		return new LodeSources(defaultSource, further, dispatchers);
	}

	/** @return the database (URL without parameters) and slot */
	private static String stream(ReplicationSettings settings) {
		String url = settings.url();
		int parameters = url.indexOf('?');
		return ((parameters >= 0) ? url.substring(0, parameters) : url) + " " + settings.slotName();
	}

}
