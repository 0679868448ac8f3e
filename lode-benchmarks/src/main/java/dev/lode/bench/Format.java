package dev.lode.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lode.core.decode.WalDecoder;
import dev.lode.spring.boot.autoconfigure.LodeProperties;
import org.springframework.beans.BeanWrapperImpl;

/**
 * The wire formats compared. Each names the output plugin, lode's decoder class, the properties that select it
 * in a lode application, and the {@link LodeProperties} property that exists once lode supports it. Adding a
 * format to lode therefore needs no change here: when the property and the decoder class appear, the lode
 * consumer and the JMH benchmark of that format run; until then they are skipped and the report says so.
 */
enum Format {

	WAL2JSON_V2("wal2json-v2", "wal2json", "dev.lode.core.decode.Wal2JsonV2Decoder", Map.of(), null),

	WAL2JSON_V1("wal2json-v1", "wal2json", "dev.lode.core.decode.Wal2JsonV1Decoder",
			Map.of("lode.wal2json.format-version", "1"), "wal2json.formatVersion"),

	PGOUTPUT("pgoutput-v1", "pgoutput", "dev.lode.core.decode.PgOutputDecoder",
			Map.of("lode.plugin", "pgoutput", "lode.pgoutput.publication", Pg.PUBLICATION), "plugin");

	final String id;

	final String plugin;

	final String decoderClass;

	/** Properties of the lode application that select this format. */
	final Map<String, String> lodeProperties;

	/** Path of the {@link LodeProperties} bean property that exists once lode supports the format. */
	private final String lodeProperty;

	Format(String id, String plugin, String decoderClass, Map<String, String> lodeProperties, String lodeProperty) {
		this.id = id;
		this.plugin = plugin;
		this.decoderClass = decoderClass;
		this.lodeProperties = lodeProperties;
		this.lodeProperty = lodeProperty;
	}

	/** @return a new decoder of this format, or {@code null} when lode has none yet */
	WalDecoder newDecoder() {
		Class<?> type;
		try {
			type = Class.forName(this.decoderClass);
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return null;
		}
		try {
			return (WalDecoder) type.getConstructor().newInstance();
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			// pgoutput: the decoder is made for a publication
		}
		try {
			return (WalDecoder) type.getConstructor(String.class).newInstance(Pg.PUBLICATION);
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return null;
		}
	}

	/** @return whether a lode application can stream this format (decoder and selecting property exist) */
	boolean lodeSupports() {
		if (newDecoder() == null) {
			return false;
		}
		return this.lodeProperty == null || new BeanWrapperImpl(new LodeProperties()).isWritableProperty(this.lodeProperty);
	}

	/**
	 * The plugin options {@code pg_recvlogical} streams with: lode's own ({@link WalDecoder#slotOptions()}) when
	 * lode has the decoder, otherwise what lode will most likely send.
	 */
	Map<String, String> recvlogicalOptions() {
		WalDecoder decoder = newDecoder();
		Map<String, String> options = new LinkedHashMap<>();
		if (decoder != null) {
			options.putAll(decoder.slotOptions());
		}
		else if (this == WAL2JSON_V1) {
			options.putAll(Map.of("format-version", "1", "include-xids", "1", "include-timestamp", "1",
					"include-lsn", "1", "include-types", "1", "include-typmod", "0"));
		}
		if (this == PGOUTPUT) {
			options.putIfAbsent("proto_version", "1");
			options.putIfAbsent("publication_names", Pg.PUBLICATION);
		}
		return options;
	}

	static Format byId(String id) {
		for (Format f : values()) {
			if (f.id.equals(id)) {
				return f;
			}
		}
		throw new IllegalArgumentException("Unknown format " + id);
	}

}
