package dev.lode.spring.boot.autoconfigure;

import java.util.List;
import java.util.function.Supplier;

import dev.lode.core.WatchedTable;
import dev.lode.core.decode.OutputFormat;
import dev.lode.core.replication.ChangeHandler;
import dev.lode.core.replication.PgConnector;
import dev.lode.core.replication.ReplicationObserver;
import dev.lode.core.replication.ReplicationSettings;
import dev.lode.core.replication.ReplicationSetupException;
import dev.lode.core.snapshot.SnapshotCoordinator;
import dev.lode.spring.container.ContainerOptions;
import dev.lode.spring.container.LodeSnapshots;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.ErrorHandlingChangeHandler;
import dev.lode.spring.listener.WalChangeDispatcher;
import dev.lode.spring.listener.WalChangeErrorHandler;
import dev.lode.spring.listener.WalChangeListenerFactory;
import dev.lode.spring.listener.WalListenerObserver;
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
import org.springframework.util.backoff.BackOff;

/**
 * Auto-configuration for lode: binds {@code lode.*}, registers the {@code @OnWalChange} listener
 * factory, the dispatcher, the error handler and the replication container.
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
	static WalChangeListenerFactory walChangeListenerFactory() {
		return new WalChangeListenerFactory();
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
		return ReplicationSettings.of(connection.getJdbcUrl(), connection.getUsername(), connection.getPassword())
			.withSlotName(properties.getSlot().getName())
			.withCreateSlot(properties.getSlot().isCreate())
			.withStatusInterval(properties.getStatusInterval())
			.withHeartbeatInterval(properties.getHeartbeat().getInterval())
			.withBusyReadPause(properties.getBusyReadPause())
			.withGuard(properties.getSlot().guard());
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
		// lode's dispatcher applies the error handler itself (on the lane a change runs on)
		ChangeHandler delegate = (handler instanceof WalChangeDispatcher) ? handler
				: new ErrorHandlingChangeHandler(handler, errorHandler);
		LodeProperties.Snapshot snapshot = properties.getSnapshot();
		List<ListenerTables> configuredTables = listenerTables.orderedStream().toList();
		Supplier<List<WatchedTable>> watched = () -> WatchedTables.of(listenerFactory, configuredTables);
		Supplier<List<String>> initial = null;
		if (snapshot.getMode() == LodeProperties.Snapshot.Mode.INITIAL) {
			if (!settings.createSlot()) {
				throw new ReplicationSetupException("lode.snapshot.mode=initial reads the tables when lode creates the"
						+ " slot, but lode.slot.create=false: lode never creates it",
						"Set lode.slot.create=true, or use lode.snapshot.tables (read once per slot, chunk by chunk"
								+ " while streaming) instead of the initial mode");
			}
			initial = () -> InitialTables.of(snapshot.getTables(), watched.get());
		}
		return new SnapshotCoordinator(delegate, new PgConnector(settings), settings.slotName(),
				snapshot.getChunkSize(), snapshot.getParallelism(), snapshot.getTables(), watched, initial);
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
		LodeProperties.Reconnect reconnect = properties.getReconnect();
		BackOff reconnectBackOff = backOff(reconnect,
				(reconnect.getMaxAttempts() != null) ? reconnect.getMaxAttempts() : Long.MAX_VALUE);
		ContainerOptions options = new ContainerOptions(properties.isAutoStartup(), properties.getShutdown().getTimeout(),
				reconnectBackOff, properties.getSlot().getTakeoverInterval());
		OutputFormat format = properties.outputFormat();
		String publication = properties.getPgoutput().getPublication();
		List<ListenerTables> configuredTables = listenerTables.orderedStream().toList();
		return new WalReplicationContainer(
				() -> settings.withTables(WatchedTables.of(listenerFactory, configuredTables)),
				() -> format.create(WatchedTables.of(listenerFactory, configuredTables), publication,
						settings.slotName()),
				snapshots.handler(), options, observers.orderedStream().toList());
	}

	private static BackOff backOff(LodeProperties.BackOffSettings settings, long maxAttempts) {
		return LodeErrorHandlers.backOff(settings, maxAttempts);
	}

}
