package dev.lode.core.decode;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.lode.core.WatchedTable;
import org.jspecify.annotations.Nullable;

/**
 * The wire formats lode decodes, and the factory of their decoders with server-side filtering derived from the
 * watched tables: wal2json's {@code add-tables} and {@code actions} options, or pgoutput's publication.
 *
 * @since 0.1.0
 */
public enum OutputFormat {

	/** wal2json {@code format-version 1}: one JSON object per transaction (limited to 1 GB by wal2json). */
	WAL2JSON_V1("wal2json"),

	/** wal2json {@code format-version 2}: one JSON object per change (the default). */
	WAL2JSON_V2("wal2json"),

	/** PostgreSQL's built-in {@code pgoutput}, protocol version 1, with a publication. */
	PGOUTPUT("pgoutput");

	/** PostgreSQL's limit for identifiers, in bytes. */
	private static final int MAX_IDENTIFIER_BYTES = 63;

	private final String plugin;

	OutputFormat(String plugin) {
		this.plugin = plugin;
	}

	/** @return the output plugin a slot of this format is created with */
	public String plugin() {
		return this.plugin;
	}

	/**
	 * @param slotName the replication slot's name
	 * @return the publication lode creates and manages for the slot when none is configured:
	 * {@code lode_<slot>}, cut to PostgreSQL's 63-byte identifier limit
	 */
	public static String defaultPublicationName(String slotName) {
		String name = "lode_" + slotName;
		while (name.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
			name = name.substring(0, name.length() - 1);
		}
		return name;
	}

	/**
	 * Creates a decoder.
	 * @param tables the tables listeners watch; empty (or an entry without table) means all tables
	 * @param publication pgoutput: the user's publication, used as it is when it exists (created when missing);
	 * {@code null} for lode's own {@link #defaultPublicationName(String) lode_<slot>}, which it creates and
	 * extends as listeners need. Ignored by wal2json.
	 * @param slotName the slot's name, for the default publication name
	 * @return a new decoder (one per stream)
	 */
	public WalDecoder create(List<WatchedTable> tables, @Nullable String publication, String slotName) {
		return switch (this) {
			case WAL2JSON_V1 -> new Wal2JsonV1Decoder(Wal2JsonFilter.of(tables));
			case WAL2JSON_V2 -> new Wal2JsonV2Decoder(Wal2JsonFilter.of(tables));
			case PGOUTPUT -> (publication != null) ? new PgOutputDecoder(publication, tables, false)
					: new PgOutputDecoder(defaultPublicationName(slotName), tables, true);
		};
	}

	/**
	 * Creates a decoder for the default slot name ({@code lode_main}); see
	 * {@link #create(List, String, String)}.
	 * @param tables the tables listeners watch
	 * @param publication the user's publication, or {@code null} for lode's own
	 * @return a new decoder
	 */
	public WalDecoder create(List<WatchedTable> tables, @Nullable String publication) {
		return create(tables, publication, dev.lode.core.replication.ReplicationSettings.DEFAULT_SLOT_NAME);
	}

}
