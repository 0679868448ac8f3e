package dev.lode.core;

import java.time.OffsetDateTime;

import org.jspecify.annotations.Nullable;

/**
 * Metadata of one committed transaction as the output plugin reported it.
 *
 * @param xid the transaction id, or {@code -1} when the plugin did not send it
 * @param commitLsn the LSN of the transaction's commit record (PostgreSQL's {@code commit_lsn}), or
 * {@link Lsn#INVALID} when the plugin did not send it
 * @param commitTime the commit time, or {@code null} when the plugin did not send it
 * @since 0.1.0
 */
public record TransactionInfo(long xid, Lsn commitLsn, @Nullable OffsetDateTime commitTime) {

}
