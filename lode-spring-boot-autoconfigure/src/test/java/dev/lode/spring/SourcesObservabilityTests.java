package dev.lode.spring;

import java.time.Duration;
import java.util.List;

import dev.lode.core.Lsn;
import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.boot.autoconfigure.BootLine;
import dev.lode.spring.boot.autoconfigure.endpoint.LodeDescriptor;
import dev.lode.spring.boot.autoconfigure.endpoint.LodeEndpoint;
import dev.lode.spring.boot.autoconfigure.endpoint.LodeEndpointAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.endpoint.ListenerDescriptor;
import dev.lode.spring.boot.autoconfigure.health.LodeHealthIndicator;
import dev.lode.spring.boot.autoconfigure.metrics.LodeDispatchMetrics;
import dev.lode.spring.boot.autoconfigure.metrics.LodeMetricsAutoConfiguration;
import dev.lode.spring.boot.autoconfigure.metrics.LodeSourcesMetrics;
import dev.lode.spring.container.LodeSources;
import dev.lode.spring.container.WalReplicationContainer;
import dev.lode.test.WithPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Health, metrics and the endpoint of an application with two sources (two slots on one database): one health
 * component each, meters tagged with the source, the endpoint's operations per source.
 */
@WithPostgres
class SourcesObservabilityTests extends LodeTestApps {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void eachSourceHasItsHealthItsTaggedMetersAndItsEndpointOperations() {
		ConfigurableApplicationContext context = start(Observed.class, "lode.sources.audit.slot.name=" + this.slot + "_audit",
				"management.endpoints.web.exposure.include=health,lode");
		Observed listeners = context.getBean(Observed.class);
		LodeSources sources = context.getBean(LodeSources.class);
		MeterRegistry registry = context.getBean(MeterRegistry.class);
		LodeEndpoint endpoint = context.getBean(LodeEndpoint.class);

		sql("insert into orders values (1, 'alice', 10, 'new')");
		await().atMost(WAIT).until(() -> listeners.orders.size() == 1 && listeners.audit.size() == 1);
		await().atMost(WAIT).until(() -> registry.find("lode.transactions").tag("source", "audit").counter() != null
				&& registry.get("lode.transactions").tag("source", "audit").counter().count() >= 1
				&& registry.get("lode.transactions").tag("source", "default").counter().count() >= 1);

		// metrics: the same meters, one set per source
		assertThat(registry.get("lode.changes").tags("source", "default", "table", "orders", "kind", "insert")
			.counter()
			.count()).isEqualTo(1);
		assertThat(registry.get("lode.changes").tags("source", "audit", "table", "orders", "kind", "insert")
			.counter()
			.count()).isEqualTo(1);
		assertThat(registry.get("lode.listener").tags("source", "audit", "listener", "audit", "outcome", "success")
			.timer()
			.count()).isEqualTo(1);
		assertThat(registry.get("lode.listener").tags("source", "default", "listener", "orders", "outcome", "success").timer()
			.count())
			.isEqualTo(1);
		assertThat(registry.find("lode.replication.lag").tag("source", "audit").gauge()).isNotNull();
		// Boot's metrics auto-configuration (left out here) binds the MeterBinder beans
		context.getBean(LodeDispatchMetrics.class).bindTo(registry);
		context.getBean(LodeSourcesMetrics.class).bindTo(registry);
		assertThat(registry.find("lode.acknowledgement.lag").tag("source", "audit").gauge()).isNotNull();
		assertThat(registry.find("lode.acknowledgement.lag").tag("source", "default").gauge()).isNotNull();

		// health: lode as before for the default, lodeSources/audit for the other
		assertThat(BootLine.details(context.getBean("lodeHealthIndicator", LodeHealthIndicator.class)))
			.containsEntry("slot", this.slot);
		LodeHealthIndicator audit = BootLine.child(context.getBean("lodeSourcesHealthContributor"), "audit");
		assertThat(BootLine.status(audit)).isEqualTo("UP");
		assertThat(BootLine.details(audit)).containsEntry("slot", this.slot + "_audit").containsEntry("state", "STREAMING");

		// the endpoint: the names, one source's description, its operations
		LodeDescriptor lode = endpoint.lode();
		assertThat(lode.sources()).containsExactly("default", "audit");
		assertThat(lode.listeners()).extracting(ListenerDescriptor::id).containsExactly("orders");
		LodeDescriptor auditDescriptor = endpoint.source("audit");
		assertThat(auditDescriptor.slot()).isEqualTo(this.slot + "_audit");
		assertThat(auditDescriptor.listeners()).extracting(ListenerDescriptor::id).containsExactly("audit");
		assertThat(((LodeDescriptor) endpoint.operate("audit", "pause", null)).state()).isEqualTo("PAUSED");
		assertThat(BootLine.details(audit)).containsEntry("state", "PAUSED");
		assertThat(endpoint.lode().state()).isEqualTo("STREAMING");
		assertThatIllegalStateException().isThrownBy(() -> endpoint.operate("audit", "pause", null))
			.withMessageContaining("POST /actuator/lode/audit/resume");

		sql("insert into orders values (2, 'bob', 20, 'new')");
		Lsn target = Lsn.parse(this.pg.queryForString(this.db, "select pg_current_wal_lsn()::text"));
		await().atMost(WAIT).until(() -> acknowledged(sources.get("default").container(), target));
		assertThat(listeners.orders.ids()).containsExactly(1, 2);
		assertThat(listeners.audit.ids()).containsExactly(1);

		assertThat(((LodeDescriptor) endpoint.operate("audit", "resume", null)).state()).isEqualTo("STREAMING");
		await().atMost(WAIT).until(() -> listeners.audit.size() == 2);
		@SuppressWarnings("unchecked")
		java.util.Map<String, Object> snapshot = (java.util.Map<String, Object>) endpoint.operate("audit", "snapshot",
				"orders");
		assertThat(snapshot).containsEntry("tables", List.of("orders"));
		await().atMost(WAIT).until(() -> listeners.audit.changes().stream()
			.filter((change) -> change.kind() == dev.lode.core.ChangeKind.SNAPSHOT)
			.count() == 2);
		assertThat(listeners.orders.changes()).noneMatch((change) -> change.kind() == dev.lode.core.ChangeKind.SNAPSHOT);
		await().atMost(WAIT).until(() -> listeners.snapshotsCompleted.contains("audit:public.orders"));
		assertThatIllegalArgumentException().isThrownBy(() -> endpoint.source("nope"))
			.withMessageContaining("[default, audit]");
	}

	private static boolean acknowledged(WalReplicationContainer container, Lsn target) {
		Lsn acknowledged = container.getLastAcknowledgedLsn();
		return acknowledged != null && acknowledged.compareTo(target) >= 0;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LodeMetricsAutoConfiguration.class, LodeEndpointAutoConfiguration.class })
	static class Observed {

		final Recorder orders = new Recorder();

		final Recorder audit = new Recorder();

		final List<String> snapshotsCompleted = new java.util.concurrent.CopyOnWriteArrayList<>();

		@org.springframework.context.event.EventListener
		void onSnapshotCompleted(dev.lode.spring.event.WalSnapshotCompletedEvent event) {
			this.snapshotsCompleted.add(event.getSourceName() + ":" + event.getTable());
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@OnWalChange(id = "orders", table = "orders")
		void onOrder(WalChange change) {
			this.orders.add(change);
		}

		@OnWalChange(id = "audit", source = "audit", table = "orders")
		void onAudit(WalChange change) {
			this.audit.add(change);
		}

	}

}
