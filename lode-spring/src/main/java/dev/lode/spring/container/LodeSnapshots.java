package dev.lode.spring.container;

import java.util.Arrays;
import java.util.List;

import dev.lode.core.snapshot.SnapshotCoordinator;
import dev.lode.core.snapshot.SnapshotException;
import dev.lode.core.snapshot.SnapshotListener;
import dev.lode.core.snapshot.SnapshotProgress;
import dev.lode.spring.event.WalSnapshotCompletedEvent;
import dev.lode.spring.event.WalSnapshotStartedEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Reads tables again while streaming goes on: {@code snapshots.snapshot("orders")} delivers every row of
 * {@code orders} to its listeners as a {@link dev.lode.core.ChangeKind#SNAPSHOT} change, chunk by chunk by
 * primary key, never after a newer change of the same row. Publishes {@link WalSnapshotStartedEvent} and
 * {@link WalSnapshotCompletedEvent} per table.
 *
 * @since 0.2.0
 */
public class LodeSnapshots {

	private final SnapshotCoordinator coordinator;

	private final String sourceName;

	/**
	 * @param coordinator reads the chunks on the replication thread
	 * @param publisher publishes the snapshot events
	 */
	public LodeSnapshots(SnapshotCoordinator coordinator, ApplicationEventPublisher publisher) {
		this(coordinator, publisher, dev.lode.spring.listener.WalSources.DEFAULT);
	}

	/**
	 * @param coordinator reads the chunks on the replication thread
	 * @param publisher publishes the snapshot events
	 * @param sourceName the name of the source whose tables these snapshots read
	 * @since 0.4.0
	 */
	public LodeSnapshots(SnapshotCoordinator coordinator, ApplicationEventPublisher publisher, String sourceName) {
		this.coordinator = coordinator;
		this.sourceName = sourceName;
		coordinator.addListener(new SnapshotListener() {

			@Override
			public void started(SnapshotProgress progress, boolean resumed) {
				publisher.publishEvent(new WalSnapshotStartedEvent(LodeSnapshots.this, progress, resumed));
			}

			@Override
			public void completed(SnapshotProgress progress) {
				publisher.publishEvent(new WalSnapshotCompletedEvent(LodeSnapshots.this, progress));
			}

		});
	}

	/**
	 * Starts a snapshot of the tables; it runs while streaming goes on (and continues after a restart).
	 * @param tables the tables, {@code table} or {@code schema.table}
	 * @return the snapshot's id ({@link dev.lode.core.SnapshotMarker#snapshotId()} of its rows)
	 * @throws SnapshotException when a table cannot be read so: it does not exist, has no primary key, or no
	 * listener watches it (the message names the fix)
	 */
	public String snapshot(String... tables) {
		return this.coordinator.snapshot(Arrays.asList(tables));
	}

	/** @return the tables being read, with their progress */
	public List<SnapshotProgress> running() {
		return this.coordinator.running();
	}

	/**
	 * @return the name of the source whose tables these snapshots read ({@code default} for {@code lode.*})
	 * @since 0.4.0
	 */
	public String getSourceName() {
		return this.sourceName;
	}

	/** @return the coordinator */
	public SnapshotCoordinator getCoordinator() {
		return this.coordinator;
	}

}
