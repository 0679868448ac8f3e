package dev.lode.spring.boot.autoconfigure;

import dev.lode.core.replication.ChangeHandler;
import dev.lode.core.replication.ReplicationObserver;
import dev.lode.core.replication.ReplicationSettings;
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
import dev.lode.spring.listener.WalSources;
import dev.lode.spring.observation.WalListenerObservationConvention;
import dev.lode.spring.observation.WalListenerObservations;
import io.micrometer.observation.ObservationRegistry;
import org.postgresql.replication.PGReplicationStream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration for lode: binds {@code lode.*}, registers the {@code @OnWalChange} listener
 * factory, the dispatcher, the error handler and the replication container of the default source, and
 * {@link LodeSources} with the further sources of {@code lode.sources.<name>.*} (each with its own dispatcher,
 * snapshots and container, owned by that registry).
 *
 * @since 0.1.0
 */
// the DataSource auto-configuration of Boot 4 and of Boot 3 (a name that is not there is ignored)
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration" })
@Import(JdbcConnectionFallbackConfiguration.class)
@ConditionalOnClass(PGReplicationStream.class)
@ConditionalOnBooleanProperty(name = "lode.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LodeProperties.class)
public class LodeAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static WalChangeListenerFactory walChangeListenerFactory(Environment environment) {
		WalChangeListenerFactory factory = new WalChangeListenerFactory();
		factory.setSourceNames(SourceProperties.names(environment));
		return factory;
	}

	@Bean
	@ConditionalOnMissingBean(LodeConnectionDetails.class)
	PropertiesLodeConnectionDetails lodeConnectionDetails(LodeProperties properties,
			ObjectProvider<JdbcConnectionFallback> jdbcConnectionFallback, Environment environment) {
		return new PropertiesLodeConnectionDetails(properties, jdbcConnectionFallback, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicationSettings lodeReplicationSettings(LodeProperties properties, LodeConnectionDetails connection) {
		return SourceWiring.settings(properties, connection);
	}

	@Bean
	@ConditionalOnMissingBean(ChangeHandler.class)
	WalChangeDispatcher lodeChangeDispatcher(ApplicationEventPublisher publisher,
			ObjectProvider<WalListenerObserver> observers, WalChangeErrorHandler errorHandler,
			LodeProperties properties) {
		return new WalChangeDispatcher(publisher, WalListenerObserver.of(observers.orderedStream().toList()),
				errorHandler, properties.getListener().dispatchOptions());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("lode.observation.enabled")
	WalListenerObservations lodeListenerObservations(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<WalListenerObservationConvention> convention) {
		return new WalListenerObservations(registry.getIfAvailable(() -> ObservationRegistry.NOOP),
				convention.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	WalChangeErrorHandler lodeErrorHandler(LodeProperties properties) {
		return LodeErrorHandlers.fromProperties(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	SnapshotCoordinator lodeSnapshotCoordinator(ReplicationSettings settings, ChangeHandler handler,
			WalChangeErrorHandler errorHandler, WalChangeListenerFactory listenerFactory, LodeProperties properties,
			ObjectProvider<ListenerTables> listenerTables) {
		return SourceWiring.snapshots(WalSources.DEFAULT, settings, handler, errorHandler, listenerFactory, properties,
				listenerTables.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	LodeSnapshots lodeSnapshots(SnapshotCoordinator coordinator, ApplicationEventPublisher publisher) {
		return new LodeSnapshots(coordinator, publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	WalReplicationContainer lodeReplicationContainer(ReplicationSettings settings, SnapshotCoordinator snapshots,
			WalChangeListenerFactory listenerFactory, LodeProperties properties,
			ObjectProvider<ReplicationObserver> observers, ObjectProvider<ListenerTables> listenerTables) {
		return SourceWiring.container(WalSources.DEFAULT, settings, snapshots, listenerFactory, properties,
				observers.orderedStream().toList(), listenerTables.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	LodeSources lodeSources(WalReplicationContainer container, ObjectProvider<LodeSnapshots> snapshots,
			ReplicationSettings settings, LodeProperties properties, Environment environment,
			ApplicationEventPublisher publisher, WalChangeListenerFactory listenerFactory,
			ObjectProvider<WalListenerObserver> listenerObservers, ObjectProvider<ReplicationObserver> replicationObservers,
			ObjectProvider<ListenerTables> listenerTables, ObjectProvider<JdbcConnectionFallback> jdbcConnectionFallback) {
		LodeSource defaultSource = new LodeSource(WalSources.DEFAULT, settings.slotName(), container, snapshots.getIfAvailable(),
				LodeHealthReport.describe(properties.outputFormat()));
		SourceFactory factory = new SourceFactory(environment, publisher, listenerFactory,
				listenerObservers.orderedStream().toList(), replicationObservers.orderedStream().toList(),
				listenerTables.orderedStream().toList(), jdbcConnectionFallback);
		return factory.sources(defaultSource, settings, properties.getSources().keySet());
	}

}
