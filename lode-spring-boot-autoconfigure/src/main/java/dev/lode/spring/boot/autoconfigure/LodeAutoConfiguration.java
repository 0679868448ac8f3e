package dev.lode.spring.boot.autoconfigure;

import dev.lode.core.decode.Wal2JsonV2Decoder;
import dev.lode.core.replication.ChangeHandler;
import dev.lode.core.replication.ReplicationObserver;
import dev.lode.core.replication.ReplicationSettings;
import dev.lode.spring.WalChangeDispatcher;
import dev.lode.spring.WalChangeListenerFactory;
import dev.lode.spring.WalReplicationContainer;
import org.postgresql.replication.PGReplicationStream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration for lode: binds {@code lode.*}, registers the {@code @OnWalChange} listener
 * factory, the dispatcher and the replication container.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
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
			ObjectProvider<JdbcConnectionDetails> jdbcConnectionDetails, Environment environment) {
		return new PropertiesLodeConnectionDetails(properties, jdbcConnectionDetails, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicationSettings lodeReplicationSettings(LodeProperties properties, LodeConnectionDetails connection) {
		return new ReplicationSettings(connection.getJdbcUrl(), connection.getUsername(), connection.getPassword(),
				properties.getSlot().getName(), properties.getSlot().isCreate(), properties.getStatusInterval());
	}

	@Bean
	@ConditionalOnMissingBean(ChangeHandler.class)
	WalChangeDispatcher lodeChangeDispatcher(ApplicationEventPublisher publisher) {
		return new WalChangeDispatcher(publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	WalReplicationContainer lodeReplicationContainer(ReplicationSettings settings, ChangeHandler handler,
			LodeProperties properties, ObjectProvider<ReplicationObserver> observers) {
		return new WalReplicationContainer(settings, Wal2JsonV2Decoder::new, handler,
				properties.getShutdown().getTimeout(), properties.isAutoStartup(), observers.orderedStream().toList());
	}

}
