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
 * makes lode wait rather than fail).
 *
 * @since 0.2.0
 */
public final class RelayProducerSettings {

	/** The relay's defaults, where the application's configuration does not set the same key. */
	public static final Map<String, Object> DEFAULTS = Map.of(ProducerConfig.ACKS_CONFIG, "all",
			ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
			String.valueOf(Integer.MAX_VALUE));

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
