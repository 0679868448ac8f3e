package dev.lode.core.decode;

import java.util.List;

import dev.lode.core.WatchedTable;

/**
 * What a decoder needs from the database before it streams. Decoders only describe it (they are pure
 * functions of the bytes they decode); {@code dev.lode.core.replication.DecoderPreparation} provides it
 * and hands the result to {@link WalDecoder#prepared}.
 *
 * @since 0.1.0
 */
public sealed interface DecoderSetup {

	/**
	 * pgoutput's publication, which must exist before the slot (a slot only sees older publications).
	 *
	 * @param name the publication name (the real, case-sensitive name)
	 * @param tables the watched tables; empty for all tables
	 * @param managed whether lode owns the publication and may add missing tables and actions to it
	 */
	record Publication(String name, List<WatchedTable> tables, boolean managed) implements DecoderSetup {

	}

	/**
	 * The watched tables' columns and replica identity ({@link TableColumns}), for what wal2json leaves out.
	 *
	 * @param tables the watched tables; empty for all tables
	 */
	record Catalog(List<WatchedTable> tables) implements DecoderSetup {

	}

}
