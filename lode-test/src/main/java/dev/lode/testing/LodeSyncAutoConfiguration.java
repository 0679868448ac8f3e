package dev.lode.testing;

import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.container.WalReplicationContainer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link LodeSync}, with which tests wait until lode has processed what they wrote. The bean
 * does nothing until called. It comes with {@code dev.lode:lode-test} in test scope and works with either
 * starter: it uses only what both Boot lines' auto-configurations have in common.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LodeAutoConfiguration.class)
@ConditionalOnBean(WalReplicationContainer.class)
public class LodeSyncAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LodeSync lodeSync(WalReplicationContainer container, ObjectProvider<LodeSources> sources) {
		LodeSources all = sources.getIfAvailable();
		return (all != null) ? new LodeSync(all) : new LodeSync(container);
	}

}
