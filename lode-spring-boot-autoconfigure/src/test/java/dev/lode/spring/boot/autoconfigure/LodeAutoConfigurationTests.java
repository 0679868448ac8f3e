package dev.lode.spring.boot.autoconfigure;

import java.time.Duration;

import dev.lode.core.replication.ChangeHandler;
import dev.lode.core.replication.ReplicationSettings;
import dev.lode.spring.listener.DefaultWalChangeErrorHandler;
import dev.lode.spring.listener.WalChangeDispatcher;
import dev.lode.spring.listener.WalChangeErrorHandler;
import dev.lode.spring.listener.WalChangeListenerFactory;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthContributorAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import org.junit.jupiter.api.Test;
import org.postgresql.replication.PGReplicationStream;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every condition of lode's auto-configuration, and where the connection comes from. No server is
 * needed: nothing starts ({@code lode.auto-startup=false}).
 */
class LodeAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(LodeAutoConfiguration.class, LodeHealthContributorAutoConfiguration.class))
		.withPropertyValues("lode.auto-startup=false");

	private final ApplicationContextRunner withUrl = this.runner
		.withPropertyValues("lode.url=jdbc:postgresql://db.example:5432/shop");

	@Test
	void createsTheBeansByDefault() {
		this.withUrl.run((context) -> {
			assertThat(context).hasSingleBean(WalChangeListenerFactory.class)
				.hasSingleBean(LodeConnectionDetails.class)
				.hasSingleBean(ReplicationSettings.class)
				.hasSingleBean(WalChangeDispatcher.class)
				.hasSingleBean(DefaultWalChangeErrorHandler.class)
				.hasSingleBean(WalReplicationContainer.class)
				.hasSingleBean(LodeHealthIndicator.class);
			assertThat(context.getBean(WalReplicationContainer.class).isAutoStartup()).isFalse();
			assertThat(context.getBean(ReplicationSettings.class).slotName()).isEqualTo("lode_main");
		});
	}

	@Test
	void disabledCreatesNothing() {
		this.withUrl.withPropertyValues("lode.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(WalChangeListenerFactory.class)
				.doesNotHaveBean(LodeConnectionDetails.class)
				.doesNotHaveBean(WalReplicationContainer.class)
				.doesNotHaveBean(LodeHealthIndicator.class);
			assertThat(context.getBeansOfType(LodeProperties.class)).isEmpty();
		});
	}

	@Test
	void backsOffWithoutThePostgresDriver() {
		this.withUrl.withClassLoader(new FilteredClassLoader(PGReplicationStream.class))
			.run((context) -> assertThat(context).doesNotHaveBean(WalReplicationContainer.class));
	}

	@Test
	void healthNeedsActuatorAndCanBeDisabled() {
		this.withUrl.withClassLoader(new FilteredClassLoader(BootLine.HEALTH_PACKAGES))
			.run((context) -> assertThat(context).hasSingleBean(WalReplicationContainer.class)
				.doesNotHaveBean(LodeHealthIndicator.class));
		this.withUrl.withPropertyValues("management.health.lode.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LodeHealthIndicator.class));
	}

	@Test
	void notStartedIsOutOfServiceInHealth() {
		this.withUrl.run((context) -> {
			LodeHealthIndicator health = context.getBean(LodeHealthIndicator.class);
			assertThat(BootLine.status(health)).isEqualTo("OUT_OF_SERVICE");
			assertThat(BootLine.details(health)).containsEntry("state", "NEW");
		});
	}

	@Test
	void everyBeanCanBeReplaced() {
		this.withUrl.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context.getBean(ChangeHandler.class)).isSameAs(UserBeans.HANDLER);
			assertThat(context.getBean(WalChangeErrorHandler.class)).isSameAs(UserBeans.ERROR_HANDLER);
			assertThat(context.getBean(LodeConnectionDetails.class)).isInstanceOf(UserConnection.class);
			assertThat(context.getBean(ReplicationSettings.class).url()).isEqualTo("jdbc:postgresql://user/db");
			assertThat(context).hasSingleBean(WalReplicationContainer.class);
		});
		this.withUrl.withBean("lodeHealthIndicator", LodeHealthIndicator.class,
				() -> new LodeHealthIndicator(org.mockito.Mockito.mock(WalReplicationContainer.class)))
			.run((context) -> assertThat(context).hasSingleBean(LodeHealthIndicator.class));
	}

	@Test
	void lodePropertiesComeFirst() {
		BootLine.withJdbcConnectionDetails(this.runner, "jdbc:postgresql://details/db", "det", "detpw")
			.withPropertyValues("lode.url=jdbc:postgresql://lode/db", "lode.username=lode", "lode.password=lodepw",
					"spring.datasource.url=jdbc:postgresql://ds/db", "spring.datasource.username=ds",
					"spring.datasource.password=dspw")
			.run((context) -> {
				LodeConnectionDetails details = context.getBean(LodeConnectionDetails.class);
				assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://lode/db");
				assertThat(details.getUsername()).isEqualTo("lode");
				assertThat(details.getPassword()).isEqualTo("lodepw");
			});
	}

	@Test
	void thenAJdbcConnectionDetailsBean() {
		BootLine.withJdbcConnectionDetails(this.runner, "jdbc:postgresql://details/db", "det", "detpw")
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://ds/db", "spring.datasource.username=ds",
					"spring.datasource.password=dspw")
			.run((context) -> {
				LodeConnectionDetails details = context.getBean(LodeConnectionDetails.class);
				assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://details/db");
				assertThat(details.getUsername()).isEqualTo("det");
				assertThat(details.getPassword()).isEqualTo("detpw");
			});
	}

	@Test
	void thenTheDatasourceProperties() {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://ds/db", "spring.datasource.username=ds",
					"spring.datasource.password=dspw")
			.run((context) -> {
				LodeConnectionDetails details = context.getBean(LodeConnectionDetails.class);
				assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://ds/db");
				assertThat(details.getUsername()).isEqualTo("ds");
				assertThat(details.getPassword()).isEqualTo("dspw");
			});
	}

	@Test
	void eachValueFallsBackOnItsOwn() {
		this.runner.withPropertyValues("lode.url=jdbc:postgresql://lode/db", "spring.datasource.username=ds",
				"spring.datasource.password=dspw")
			.run((context) -> {
				LodeConnectionDetails details = context.getBean(LodeConnectionDetails.class);
				assertThat(details.getJdbcUrl()).isEqualTo("jdbc:postgresql://lode/db");
				assertThat(details.getUsername()).isEqualTo("ds");
				assertThat(details.getPassword()).isEqualTo("dspw");
			});
	}

	@Test
	void noDatabaseAtAllFailsWithAClearMessage() {
		this.runner.run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("No database is configured for lode"));
	}

	@Test
	void propertiesAreBoundAndValidated() {
		this.withUrl
			.withPropertyValues("lode.slot.name=orders_slot", "lode.status-interval=2s", "lode.shutdown.timeout=3s",
					"lode.heartbeat.interval=1m", "lode.listener.retry.max-attempts=5", "lode.busy-read-pause=500us")
			.run((context) -> {
				ReplicationSettings settings = context.getBean(ReplicationSettings.class);
				assertThat(settings.slotName()).isEqualTo("orders_slot");
				assertThat(settings.statusInterval()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofMinutes(1));
				assertThat(settings.busyReadPause()).isEqualTo(Duration.ofNanos(500_000));
				assertThat(context.getBean(LodeProperties.class).getListener().getRetry().getMaxAttempts()).isEqualTo(5);
			});
		this.withUrl.withPropertyValues("lode.slot.name=Bad-Name")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("slot.name"));
		this.withUrl.withPropertyValues("lode.status-interval=0s")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("statusInterval"));
		this.withUrl.run((context) -> assertThat(context.getBean(ReplicationSettings.class).busyReadPause())
			.isEqualTo(ReplicationSettings.DEFAULT_BUSY_READ_PAUSE));
		this.withUrl.withPropertyValues("lode.busy-read-pause=0")
			.run((context) -> assertThat(context.getBean(ReplicationSettings.class).busyReadPause()).isZero());
		this.withUrl.withPropertyValues("lode.busy-read-pause=1s")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("busyReadPause"));
		this.withUrl.withPropertyValues("lode.listener.retry.max-attempts=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("listener.retry.maxAttempts"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final ChangeHandler HANDLER = (change) -> {
		};

		static final WalChangeErrorHandler ERROR_HANDLER = (change, failure, redelivery) -> {
			throw failure;
		};

		@Bean
		ChangeHandler myHandler() {
			return HANDLER;
		}

		@Bean
		WalChangeErrorHandler myErrorHandler() {
			return ERROR_HANDLER;
		}

		@Bean
		UserConnection myConnection() {
			return new UserConnection();
		}

	}

	static class UserConnection implements LodeConnectionDetails {

		@Override
		public String getJdbcUrl() {
			return "jdbc:postgresql://user/db";
		}

		@Override
		public String getUsername() {
			return "user";
		}

		@Override
		public String getPassword() {
			return "secret";
		}

	}

}
