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
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.ErrorHandlingChangeHandler;
import dev.lode.spring.listener.WalChangeDispatcher;
import dev.lode.spring.listener.WalChangeErrorHandler;
import dev.lode.spring.listener.WalChangeListenerFactory;
import org.springframework.util.backoff.BackOff;

/**
 * How one source's settings, snapshots and container are made from its properties: the same for the default
 * source ({@code lode.*}, as beans of {@link LodeAutoConfiguration}) and the further ones ({@code lode.sources.*}).
 */
final class SourceWiring {

	private SourceWiring() {
	}

	static ReplicationSettings settings(LodeProperties properties, LodeConnectionDetails connection) {
		return ReplicationSettings.of(connection.getJdbcUrl(), connection.getUsername(), connection.getPassword())
			.withSlotName(properties.getSlot().getName())
			.withCreateSlot(properties.getSlot().isCreate())
			.withStatusInterval(properties.getStatusInterval())
			.withHeartbeatInterval(properties.getHeartbeat().getInterval())
			.withBusyReadPause(properties.getBusyReadPause())
			.withGuard(properties.getSlot().guard());
	}

	static SnapshotCoordinator snapshots(String source, ReplicationSettings settings, ChangeHandler handler,
			WalChangeErrorHandler errorHandler, WalChangeListenerFactory listenerFactory, LodeProperties properties,
			List<ListenerTables> configuredTables) {
		// lode's dispatcher applies the error handler itself (on the lane a change runs on)
		ChangeHandler delegate = (handler instanceof WalChangeDispatcher) ? handler
				: new ErrorHandlingChangeHandler(handler, errorHandler);
		LodeProperties.Snapshot snapshot = properties.getSnapshot();
		Supplier<List<WatchedTable>> watched = () -> WatchedTables.of(listenerFactory, configuredTables, source);
		Supplier<List<String>> initial = null;
		if (snapshot.getMode() == LodeProperties.Snapshot.Mode.INITIAL) {
			String prefix = SourceProperties.prefix(source);
			if (!settings.createSlot()) {
				throw new ReplicationSetupException(prefix + ".snapshot.mode=initial reads the tables when lode creates"
						+ " the slot, but " + prefix + ".slot.create=false: lode never creates it",
						"Set " + prefix + ".slot.create=true, or use " + prefix + ".snapshot.tables (read once per slot,"
								+ " chunk by chunk while streaming) instead of the initial mode");
			}
			initial = () -> InitialTables.of(snapshot.getTables(), watched.get());
		}
		return new SnapshotCoordinator(delegate, new PgConnector(settings), settings.slotName(),
				snapshot.getChunkSize(), snapshot.getParallelism(), snapshot.getTables(), watched, initial);
	}

	static WalReplicationContainer container(String source, ReplicationSettings settings, SnapshotCoordinator snapshots,
			WalChangeListenerFactory listenerFactory, LodeProperties properties,
			List<? extends ReplicationObserver> observers, List<ListenerTables> configuredTables) {
		LodeProperties.Reconnect reconnect = properties.getReconnect();
		BackOff reconnectBackOff = LodeErrorHandlers.backOff(reconnect,
				(reconnect.getMaxAttempts() != null) ? reconnect.getMaxAttempts() : Long.MAX_VALUE);
		ContainerOptions options = new ContainerOptions(properties.isAutoStartup(), properties.getShutdown().getTimeout(),
				reconnectBackOff, properties.getSlot().getTakeoverInterval());
		OutputFormat format = properties.outputFormat();
		String publication = properties.getPgoutput().getPublication();
		WalReplicationContainer container = new WalReplicationContainer(
				() -> settings.withTables(WatchedTables.of(listenerFactory, configuredTables, source)),
				() -> format.create(WatchedTables.of(listenerFactory, configuredTables, source), publication,
						settings.slotName()),
				snapshots.handler(), options, observers);
		container.setSourceName(source);
		return container;
	}

}
