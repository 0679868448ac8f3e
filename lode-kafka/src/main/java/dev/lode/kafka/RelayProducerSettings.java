package dev.lode.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer settings of the relay over the application's producer factory: its serializers (bytes: the relay
 * writes its JSON itself), its defaults where the application's configuration ({@code spring.kafka.producer.*})
 * does not set the same key, and {@code lode.relay.kafka.producer.*} over all.
 *
 * <p>Defaults: {@code acks=all} (a record counts as sent when every in-sync replica has it),
 * {@code enable.idempotence=true} (retries neither duplicate nor reorder records of a partition) and
 * {@code delivery.timeout.ms=2147483647} (the producer never gives up on a record it holds: a broker that is down
 * makes lode wait rather than fail), {@code batch.size=262144} and {@code linger.ms=10} (a relay catching up sends
 * few large batches: the producer's I/O thread and the broker spent a third of the CPU per record that they spent
 * with Kafka's 16 KiB and 5 ms in RelayBench; a quiet relay's record waits up to 10 ms).
 *
 * @since 0.2.0
 */
public final class RelayProducerSettings {

	/** The relay's defaults, where the application's configuration does not set the same key. */
	public static final Map<String, Object> DEFAULTS = Map.of(ProducerConfig.ACKS_CONFIG, "all",
			ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
			String.valueOf(Integer.MAX_VALUE), ProducerConfig.BATCH_SIZE_CONFIG, "262144",
			ProducerConfig.LINGER_MS_CONFIG, "10");

	private RelayProducerSettings() {
	}

	/**
	 * @param application the configuration of the application's producer factory
	 * @param relay {@code lode.relay.kafka.producer.*}
	 * @return the settings to override in a copy of that factory
	 */
	public static Map<String, Object> overrides(Map<String, Object> application, Map<String, String> relay) {
		Map<String, Object> overrides = new LinkedHashMap<>();
		DEFAULTS.forEach((key, value) -> {
			if (!application.containsKey(key)) {
				overrides.put(key, value);
			}
		});
		overrides.putAll(relay);
		overrides.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		overrides.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		return overrides;
	}

}
