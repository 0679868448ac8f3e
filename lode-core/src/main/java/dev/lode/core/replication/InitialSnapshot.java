package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;

import dev.lode.core.Lsn;

/**
 * Reads the watched tables at the consistent point of a slot lode creates ({@code lode.snapshot.mode=initial}):
 * lode creates the slot over a replication connection, which exports the snapshot of that point, imports it into
 * a REPEATABLE READ transaction ({@code SET TRANSACTION SNAPSHOT}) and hands that transaction to
 * {@link #read} on the replication thread, before it starts streaming from the slot (the application's start does
 * not wait for the snapshot). So every row that existed at the consistent point is
 * read once, and every change after it is streamed afterwards.
 *
 * @since 0.2.0
 */
public interface InitialSnapshot {

	/**
	 * Before lode creates the slot: records what is to be read, so that a process that stops after the slot exists
	 * (and before {@link #read} finished) continues the snapshot on its next start.
	 * @param plain a plain connection in auto-commit mode
	 * @throws SQLException if it cannot be recorded (the slot is not created then)
	 */
	void beforeSlotCreation(Connection plain) throws SQLException;

	/**
	 * Reads the tables and delivers their rows, on the replication thread before it streams; returns when every
	 * delivered row's listeners completed, or early when the application stops.
	 * @param snapshot a connection whose transaction imported the slot's snapshot (read only; do not commit it)
	 * @param consistentPoint the slot's consistent point: streaming starts there
	 * @param stopping whether the application stops (checked between chunks)
	 * @throws Exception to stop: the next start continues the snapshot where it stopped
	 */
	void read(Connection snapshot, Lsn consistentPoint, BooleanSupplier stopping) throws Exception;

}
