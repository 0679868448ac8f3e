package dev.lode.faults.consumer;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.faults.ledger.LedgerWriter;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.container.LodeSnapshots;
import dev.lode.spring.event.WalSnapshotCompletedEvent;
import dev.lode.spring.event.WalStreamGapEvent;
import dev.lode.spring.event.WalStreamingStartedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Snapshot mode ({@code fault.snapshot=true}): records every change of {@code snap_rows} (SNAPSHOT, INSERT,
 * UPDATE, DELETE, TRUNCATE) in the ledger, so the driver can rebuild the copy a listener keeps and compare it with
 * the table, and the gaps of the stream and the end of each re-synchronisation (failover mode). Once the initial
 * snapshot is complete, it starts one on-demand snapshot of the table (unless one was
 * started before, by an earlier run), so the driver can kill the consumer in the middle of each kind.
 */
@Component
@ConditionalOnProperty(name = "fault.snapshot", havingValue = "true")
class SnapshotCopyListener {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotCopyListener.class);

	static final String TABLE = "snap_rows";

	private final LedgerWriter ledger;

	private final LodeSnapshots snapshots;

	private final Environment environment;

	private final long delayMicros;

	SnapshotCopyListener(LedgerWriter ledger, LodeSnapshots snapshots, Environment environment,
			@Value("${fault.snapshot-row-delay-micros:0}") long delayMicros) {
		this.ledger = ledger;
		this.snapshots = snapshots;
		this.environment = environment;
		this.delayMicros = delayMicros;
	}

	@OnWalChange(table = TABLE, id = "snapshotCopy")
	void onChange(WalChange change) throws IOException {
		if (change.kind() == ChangeKind.TRUNCATE) {
			this.ledger.copied(0, "TRUNCATE - 0 -");
			return;
		}
		boolean removed = change.kind() == ChangeKind.DELETE;
		java.util.Map<String, Object> row = removed ? change.oldValues() : change.values();
		long id = ((Number) row.get("id")).longValue();
		Object oldId = change.oldValues().get("id");
		String old = (change.kind() == ChangeKind.UPDATE && oldId != null
				&& ((Number) oldId).longValue() != id) ? oldId.toString() : "-";
		Object v = row.get("v");
		String big = change.unchangedColumns().contains("big") ? "=" : hash((String) row.get("big"));
		if (change.kind() == ChangeKind.SNAPSHOT && this.delayMicros > 0) {
			// a slower listener: the snapshot lasts long enough to be killed in the middle
			java.util.concurrent.locks.LockSupport.parkNanos(this.delayMicros * 1000);
		}
		this.ledger.copied(id, change.kind() + " " + old + " " + ((v != null) ? v : "-") + " " + big);
	}

	static String hash(String text) {
		if (text == null) {
			return "-";
		}
		try {
			byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
			return String.format("%032x", new BigInteger(1, digest));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@EventListener
	void onInitialComplete(WalSnapshotCompletedEvent event) throws IOException {
		if (event.getSnapshotId().startsWith("initial-")) {
			startOnDemandOnce();
		}
		else if (event.getSnapshotId().startsWith("resync-") && event.getTable().equals("public." + TABLE)) {
			// the rows of the table the re-synchronisation did not deliver again were deleted in the gap (the event
			// comes per table: the other watched tables have theirs)
			this.ledger.copied(0, "RESYNCED - - -");
		}
	}

	/** A gap in the stream (failover mode): every row of the copy is stale until delivered again. */
	@EventListener
	void onGap(WalStreamGapEvent event) throws IOException {
		this.ledger.copied(0, "GAP - - " + event.getGap().action());
	}

	@EventListener
	void onStreaming(WalStreamingStartedEvent event) {
		startOnDemandOnce();
	}

	/** Starts the on-demand snapshot when the initial one is done and no on-demand one was ever started. */
	private synchronized void startOnDemandOnce() {
		if (!this.environment.getProperty("fault.on-demand-snapshot", Boolean.class, true)) {
			return;
		}
		String url = this.environment.getRequiredProperty("lode.url");
		String user = this.environment.getRequiredProperty("lode.username");
		String password = System.getenv("LODE_PASSWORD");
		try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement();
				ResultSet rs = st.executeQuery("select count(*) filter (where snapshot_id like 'initial-%' and status = 'done'),"
						+ " count(*) filter (where snapshot_id not like 'initial-%') from lode_snapshot_progress")) {
			rs.next();
			if (rs.getLong(1) > 0 && rs.getLong(2) == 0) {
				String id = this.snapshots.snapshot(TABLE);
				logger.info("Started the on-demand snapshot {} of {}", id, TABLE);
			}
		}
		catch (Exception ex) {
			logger.info("No on-demand snapshot started now: {}", ex.getMessage());
		}
	}

}
