package dev.lode.spring.boot.autoconfigure.endpoint;

import dev.lode.core.replication.ReplicationSettings;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.LodeProperties;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthReport;
import dev.lode.spring.container.LodeSnapshots;
import dev.lode.spring.container.LodeSource;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.listener.WalChangeListenerFactory;
import dev.lode.spring.listener.WalSources;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@code lode} Actuator endpoint (and {@link LodeEndpointWebExtension}, its answers over HTTP) when Actuator is present and the endpoint is available
 * (enabled, and exposed over HTTP or JMX). The endpoint annotations are the same in Spring Boot 3.5 and
 * 4, so this class serves both lines.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LodeAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(WalReplicationContainer.class)
public class LodeEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	LodeEndpoint lodeEndpoint(WalReplicationContainer container, WalChangeListenerFactory listenerFactory,
			ReplicationSettings settings, LodeProperties properties, ObjectProvider<LodeSnapshots> snapshots,
			ObjectProvider<LodeSources> sources) {
		return new LodeEndpoint(new LodeSource(WalSources.DEFAULT, settings.slotName(), container,
				snapshots.getIfAvailable(), LodeHealthReport.describe(properties.outputFormat())), listenerFactory,
				sources.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(LodeEndpoint.class)
	@ConditionalOnAvailableEndpoint(endpoint = LodeEndpoint.class)
	LodeEndpointWebExtension lodeEndpointWebExtension(LodeEndpoint endpoint) {
		return new LodeEndpointWebExtension(endpoint);
	}

}
