package dev.lode.core.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.lode.core.Lsn;
import dev.lode.core.decode.WalDecoder;
import dev.lode.core.preflight.TablePreflight;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything before the first message: driver version, {@code wal_level}, the server's
 * {@code output_plugin_libraries} ({@link OutputPluginAllowList}), the watched tables, the
 * plugin's preparation (pgoutput's publication), the slot and lode's record of its stream (compared, so that a
 * gap is never streamed over silently: {@link SlotLossCheck}, {@code lode.slot.on-loss}), the replication connection
 * and {@code START_REPLICATION} from the slot's confirmed position.
 *
 * @since 0.1.0
 */
final class StreamOpener {

	private static final Logger logger = LoggerFactory.getLogger(StreamOpener.class);

	private final ReplicationSettings settings;

	private final WalDecoder decoder;

	private final PgConnector connector;

	StreamOpener(ReplicationSettings settings, WalDecoder decoder) {
		this.settings = settings;
		this.decoder = decoder;
		this.connector = new PgConnector(settings);
	}

	PgConnector connector() {
		return this.connector;
	}

	/**
	 * @param allowCreate whether a missing slot may be created when lode has no record of it (after a gap the
	 * {@code on-loss} policy decides)
	 * @param acknowledged what this process acknowledged on an earlier connection, or {@code null}: the
	 * stream starts there when it is ahead of the slot's confirmed position
	 * @param handler the handler: its initial snapshot when lode creates the slot, its re-synchronisation after a gap
	 * @param observer hears of gaps and of the checked stream
	 */
	Opened open(boolean allowCreate, @Nullable Lsn acknowledged, ChangeHandler handler, ReplicationObserver observer)
			throws Exception {
		DriverVersion.check();
		Connection replication = this.connector.openReplication();
		try {
			return open(replication, allowCreate, acknowledged, handler, observer);
		}
		catch (Throwable ex) {
			try {
				replication.close();
			}
			catch (SQLException closing) {
				ex.addSuppressed(closing);
			}
			throw ex;
		}
	}

	private Opened open(Connection replication, boolean allowCreate, @Nullable Lsn acknowledged, ChangeHandler handler,
			ReplicationObserver observer) throws Exception {
		String slotName = this.settings.slotName();
		String plugin = this.decoder.plugin();
		SlotInfo slot;
		long senderTimeoutMillis;
		OutputPluginAllowList allowList;
		ServerIdentity server;
		StreamRecord record;
		StreamGap gap;
		PendingInitial pending = null;
		try (Connection plain = this.connector.openPlain()) {
			SlotManager slots = new SlotManager(plain, this.settings.guard().failover());
			slots.checkWalLevel();
			allowList = OutputPluginAllowList.read(plain, plugin);
			allowList.check();
			TablePreflight.check(plain, this.settings.tables());
			server = ServerIdentity.read(replication);
			StreamRecordStore records = new StreamRecordStore(this.settings.guard().recordSchema(), slotName);
			records.ensureTable(plain);
			SlotInfo found = slots.find(slotName);
			if (found != null && found.active()) {
				throw new SlotInUseException("Replication slot '" + slotName + "' is in use by process "
						+ found.activePid() + " (another lode instance or consumer)");
			}
			StreamRecord previous = records.read(plain);
			gap = SlotLossCheck.check(slotName, previous, found, server);
			if (gap != null) {
				found = onGap(gap, found, slots, plain, handler, observer);
			}
			else if (previous != null && previous.timeline() != server.timeline()) {
				logger.info("The server was promoted (timeline {} -> {}) and replication slot '{}' continues on it (a"
						+ " failover slot the standby synchronised): nothing was lost", previous.timeline(),
						server.timeline(), slotName);
			}
			DecoderPreparation.prepare(plain, this.decoder, found != null);
			boolean created = false;
			boolean create = this.settings.createSlot() && (allowCreate || gap != null);
			InitialSnapshot initial = (gap == null) ? handler.initialSnapshot() : null;
			if (found == null && create && initial != null) {
				SlotManager.Created made = slots.createWithSnapshot(this.connector, slotName, plugin, initial);
				slot = made.slot();
				if (made.snapshot() != null) {
					created = true;
					// the replication thread reads it, then opens the stream (from the consistent point)
					pending = new PendingInitial(initial, made.snapshot(), made.consistentPoint());
				}
			}
			else {
				created = found == null;
				slot = slots.ensureSlot(slotName, plugin, create);
			}
			slot = slots.ensureFailover(replication, slot);
			record = records.opened(plain, server, plugin, slot, created, gap);
			senderTimeoutMillis = walSenderTimeoutMillis(plain);
		}
		observer.streamChecked(slot, server, record);
		if (pending != null) {
			replication.close();
			return new Opened(null, null, slot, 0, pending.consistentPoint(), pending, server, record);
		}
		// 0/0: the server starts at the slot's confirmed position (a new slot after a gap: not after an old position)
		Lsn start = (gap == null && acknowledged != null && acknowledged.isAfter(slot.confirmedFlushLsn()))
				? acknowledged : Lsn.INVALID;
		try {
			PGReplicationStream stream = start(replication, start);
			return new Opened(replication, stream, slot, senderTimeoutMillis,
					start.equals(Lsn.INVALID) ? slot.confirmedFlushLsn() : start, null, server, record);
		}
		catch (SQLException ex) {
			if (OutputPluginAllowList.isRefusal(ex)) {
				// the setting changed since it was read, or this role may not read it
				throw allowList.refused(ex);
			}
			throw this.connector.translate(ex);
		}
	}

	/**
	 * Acts on a gap as {@code lode.slot.on-loss} says: refuses, or tells and goes on (re-reading the watched tables
	 * first when asked to); drops an invalidated slot before a new one is created.
	 * @return the slot to stream from, or {@code null} when a new one is to be created
	 */
	private @Nullable SlotInfo onGap(StreamGap found, @Nullable SlotInfo slot, SlotManager slots, Connection plain,
			ChangeHandler handler, ReplicationObserver observer) throws Exception {
		OnSlotLoss policy = this.settings.guard().onLoss();
		boolean needsNewSlot = slot == null || slot.invalidated();
		if (policy != OnSlotLoss.FAIL && needsNewSlot && !this.settings.createSlot()) {
			StreamGap refused = found.withAction(OnSlotLoss.FAIL);
			observer.streamGap(refused);
			throw new SlotLossException(refused, "lode.slot.on-loss=" + name(policy) + " goes on from a new slot,"
					+ " but lode.slot.create=false: set lode.slot.create=true, or create the slot yourself ("
					+ (slot != null ? "select pg_drop_replication_slot('" + slot.name() + "'); " : "")
					+ "select pg_create_logical_replication_slot('" + this.settings.slotName() + "', '"
					+ this.decoder.plugin() + "')) and delete lode's record of it (" + deleteRecord() + ")");
		}
		StreamGap gap = found.withAction(policy);
		observer.streamGap(gap);
		switch (policy) {
			case FAIL -> throw new SlotLossException(gap, waysOut(gap));
			case IGNORE -> logger.warn("{}. lode.slot.on-loss=ignore: lode goes on from {} without those changes",
					gap.message(), needsNewSlot ? "a new slot" : "the slot as it is");
			case RESYNC -> {
				String id = handler.resyncAfterGap(plain);
				if (id == null) {
					throw new SlotLossException(gap, "lode.slot.on-loss=resync needs lode's snapshots, and the change"
							+ " handler of this application cannot read tables: " + waysOut(gap));
				}
				logger.warn("{}. lode.slot.on-loss=resync: lode goes on from {} and reads every watched table again"
						+ " (snapshot {})", gap.message(), needsNewSlot ? "a new slot" : "the slot as it is", id);
			}
		}
		if (slot != null && slot.invalidated()) {
			slots.drop(slot.name());
			return null;
		}
		return slot;
	}

	private String waysOut(StreamGap gap) {
		String upgrade = (gap.reason() == StreamGap.Reason.SERVER_CHANGED) ? " (after pg_upgrade 17+, which carries"
				+ " caught-up logical slots over, and if lode had acknowledged everything before the upgrade, nothing"
				+ " was lost: the second way is safe then)" : "";
		String walKeep = (gap.reason() == StreamGap.Reason.SLOT_INVALIDATED)
				? " To keep it from happening again, raise max_slot_wal_keep_size (or keep lode running)." : "";
		String dropInvalidated = (gap.reason() == StreamGap.Reason.SLOT_INVALIDATED)
				? ", drop the invalidated slot (select pg_drop_replication_slot('" + this.settings.slotName() + "'))" : "";
		return "Two ways out: (1) set lode.slot.on-loss=resync and restart: lode creates a new slot and reads every"
				+ " watched table again (SNAPSHOT rows whose marker says isResync()), so listeners that keep a copy"
				+ " converge; (2) if the listeners can do without the changes of the gap, set lode.slot.on-loss=ignore"
				+ " for one start, or delete lode's record of the slot (" + deleteRecord() + ")" + dropInvalidated
				+ " and restart" + upgrade + "." + walKeep;
	}

	private String deleteRecord() {
		StreamRecordStore records = new StreamRecordStore(this.settings.guard().recordSchema(), this.settings.slotName());
		return "delete from " + records.qualifiedTable() + " where slot_name = '" + this.settings.slotName() + "'";
	}

	private static String name(OnSlotLoss policy) {
		return policy.name().toLowerCase(java.util.Locale.ROOT);
	}

	private PGReplicationStream start(Connection replication, Lsn start) throws SQLException {
		ChainedLogicalStreamBuilder builder = replication.unwrap(PGConnection.class)
			.getReplicationAPI()
			.replicationStream()
			.logical()
			.withSlotName(this.settings.slotName())
			.withStartPosition(LogSequenceNumber.valueOf(start.value()))
			.withStatusInterval((int) this.settings.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
			.withAutomaticFlush(false);
		for (Map.Entry<String, String> option : this.decoder.slotOptions().entrySet()) {
			// pgjdbc wraps values in '...' without escaping
			builder = builder.withSlotOption(option.getKey(), option.getValue().replace("'", "''"));
		}
		return builder.start();
	}

	private static long walSenderTimeoutMillis(Connection plain) throws SQLException {
		try (Statement statement = plain.createStatement();
				ResultSet rs = statement
					.executeQuery("select setting::bigint from pg_settings where name = 'wal_sender_timeout'")) {
			return rs.next() ? rs.getLong(1) : 60_000;
		}
	}

	/**
	 * A started stream, or a created slot whose initial snapshot is to be read before it streams.
	 *
	 * @param connection the replication connection ({@code null} while an initial snapshot is pending)
	 * @param stream the stream ({@code null} while an initial snapshot is pending)
	 * @param slot the slot as it was when streaming started
	 * @param senderTimeoutMillis the server's {@code wal_sender_timeout} (0 = none)
	 * @param start where the stream starts: the slot's confirmed position, or this process's later one
	 * @param initial the initial snapshot to read first, or {@code null}
	 * @param server the server
	 * @param record lode's record of the stream, as written when it was opened
	 */
	record Opened(@Nullable Connection connection, @Nullable PGReplicationStream stream, SlotInfo slot,
			long senderTimeoutMillis, Lsn start, @Nullable PendingInitial initial, ServerIdentity server,
			StreamRecord record) {

	}

	/**
	 * An initial snapshot to read before streaming.
	 *
	 * @param reader reads it
	 * @param snapshot the transaction that imported the slot's snapshot (closed once read)
	 * @param consistentPoint the slot's consistent point
	 */
	record PendingInitial(InitialSnapshot reader, Connection snapshot, Lsn consistentPoint) {

		void read(java.util.function.BooleanSupplier stopping) throws Exception {
			try (Connection c = this.snapshot) {
				this.reader.read(c, this.consistentPoint, stopping);
				c.rollback();
			}
		}

	}

}
