package dev.lode.spring.event;

import dev.lode.core.snapshot.SnapshotProgress;
import org.springframework.context.ApplicationEvent;

/**
 * Base of the events about a snapshot of one table.
 *
 * @since 0.2.0
 */
public abstract class WalSnapshotEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient SnapshotProgress progress;

	/**
	 * @param source what reads the snapshot
	 * @param progress the snapshot's table and progress
	 */
	protected WalSnapshotEvent(Object source, SnapshotProgress progress) {
		super(source);
		this.progress = progress;
	}

	/**
	 * @return the name of lode's source whose table the snapshot reads ({@code default} for {@code lode.*})
	 * @since 0.4.0
	 */
	public String getSourceName() {
		return (getSource() instanceof dev.lode.spring.container.LodeSnapshots snapshots) ? snapshots.getSourceName()
				: dev.lode.spring.listener.WalSources.DEFAULT;
	}

	/** @return the snapshot's id */
	public String getSnapshotId() {
		return this.progress.snapshotId();
	}

	/** @return the table, {@code schema.table} */
	public String getTable() {
		return this.progress.table();
	}

	/** @return the rows delivered so far */
	public long getRows() {
		return this.progress.rows();
	}

	/** @return the table's estimated size ({@code -1} when unknown) */
	public long getEstimatedRows() {
		return this.progress.estimatedRows();
	}

}
