package dev.lode.spring.container;

import org.jspecify.annotations.Nullable;

/**
 * One of lode's sources: a database connection and a replication slot, streamed by its own container, whose
 * changes reach the listeners that name it ({@code @OnWalChange(source = ...)}).
 *
 * @param name the source's name ({@code default} for the one configured under {@code lode.*})
 * @param slot the name of its replication slot
 * @param container the container that streams it
 * @param snapshots its snapshots, or {@code null} when there are none (a replaced change handler)
 * @param format the plugin and format it streams with (e.g. {@code wal2json v2}), or {@code null}
 * @since 0.4.0
 */
public record LodeSource(String name, String slot, WalReplicationContainer container, @Nullable LodeSnapshots snapshots,
		@Nullable String format) {

}
