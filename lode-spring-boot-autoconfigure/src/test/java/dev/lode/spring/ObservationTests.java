package dev.lode.spring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.observation.WalListenerObservationContext;
import dev.lode.test.WithPostgres;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code lode.observation.enabled}, every listener call (a redelivery too) is one observation with the
 * documented key values; without it, none.
 */
@WithPostgres
class ObservationTests extends LodeTestApps {

	@Test
	void everyListenerCallIsOneObservationWithTheDocumentedKeyValues() {
		ConfigurableApplicationContext context = start(Observed.class, "lode.observation.enabled=true",
				"lode.listener.retry.initial-interval=10ms");
		Observed observed = context.getBean(Observed.class);
		sql("begin; insert into orders values (1, 'alice', 1, 'new'); update orders set status = 'paid'; commit");
		await().atMost(Duration.ofSeconds(20)).until(() -> observed.stopped.size() == 6);

		List<Map<String, String>> low = observed.stopped.stream().map(ObservationTests::low).toList();
		assertThat(low).extracting((kv) -> kv.get("lode.listener.id") + " " + kv.get("lode.kind") + " "
				+ kv.get("lode.outcome"))
			.containsExactlyInAnyOrder("sync insert success", "sync update success", "async insert success",
					"async update failure", "async update success", "tx transaction success");
		assertThat(low).filteredOn((kv) -> !"transaction".equals(kv.get("lode.kind")))
			.allSatisfy((kv) -> assertThat(kv).containsEntry("lode.table", "public.orders"));
		WalListenerObservationContext first = observed.stopped.get(0);
		assertThat(first.getHighCardinalityKeyValues().stream().map(KeyValue::getKey))
			.containsExactlyInAnyOrder("lode.commit.lsn", "lode.xid");
		assertThat(first.getHighCardinalityKeyValue("lode.commit.lsn").getValue())
			.isEqualTo(first.getTransaction().commitLsn().toString());
		assertThat(observed.stopped).allSatisfy((c) -> assertThat(c.getName()).isEqualTo("lode.listener.invocation"));
	}

	@Test
	void withoutThePropertyNothingIsObserved() {
		ConfigurableApplicationContext context = start(Observed.class);
		Observed observed = context.getBean(Observed.class);
		sql("insert into orders values (1, 'alice', 1, 'new')");
		await().atMost(Duration.ofSeconds(20)).until(() -> observed.calls.size() >= 2);
		assertThat(observed.stopped).isEmpty();
	}

	private static Map<String, String> low(WalListenerObservationContext context) {
		return context.getLowCardinalityKeyValues().stream()
			.collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
	}

	@Configuration(proxyBeanMethods = false)
	static class Observed {

		final List<WalListenerObservationContext> stopped = new CopyOnWriteArrayList<>();

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {

				@Override
				public boolean supportsContext(Observation.Context context) {
					return context instanceof WalListenerObservationContext;
				}

				@Override
				public void onStop(Observation.Context context) {
					Observed.this.stopped.add((WalListenerObservationContext) context);
				}

			});
			return registry;
		}

		@OnWalChange(id = "sync", table = "orders")
		void onOrder(WalChange change) {
			this.calls.add("sync");
		}

		@OnWalChange(id = "async", table = "orders")
		CompletableFuture<Void> onOrderAsync(WalChange change) {
			this.calls.add("async");
			return ("paid".equals(change.get("status")) && this.calls.stream().filter("async"::equals).count() == 2)
					? CompletableFuture.failedFuture(new IllegalStateException("observed failure"))
					: CompletableFuture.completedFuture(null);
		}

		@OnWalTransaction(id = "tx", table = "orders")
		void onTransaction(List<WalChange> changes) {
			this.calls.add("tx");
		}

	}

}
