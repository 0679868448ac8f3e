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

/**
 * Everything before the first message: driver version, {@code wal_level}, the server's
 * {@code output_plugin_libraries} ({@link OutputPluginAllowList}), the watched tables, the
 * plugin's preparation (pgoutput's publication), the slot, the replication connection and
 * {@code START_REPLICATION} from the slot's confirmed position.
 *
 * @since 0.1.0
 */
final class StreamOpener {

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
	 * @param allowCreate whether a missing slot may be created
	 * @param acknowledged what this process acknowledged on an earlier connection, or {@code null}: the
	 * stream starts there when it is ahead of the slot's confirmed position
	 * @param initial reads the tables when the slot is created here, or {@code null}
	 */
	Opened open(boolean allowCreate, @Nullable Lsn acknowledged, @Nullable InitialSnapshot initial)
			throws Exception {
		DriverVersion.check();
		SlotInfo slot;
		long senderTimeoutMillis;
		OutputPluginAllowList allowList;
		try (Connection plain = this.connector.openPlain()) {
			SlotManager slots = new SlotManager(plain);
			slots.checkWalLevel();
			allowList = OutputPluginAllowList.read(plain, this.decoder.plugin());
			allowList.check();
			TablePreflight.check(plain, this.settings.tables());
			boolean slotExists = slots.find(this.settings.slotName()) != null;
			DecoderPreparation.prepare(plain, this.decoder, slotExists);
			boolean create = this.settings.createSlot() && allowCreate;
			if (create && initial != null && !slotExists) {
				SlotManager.Created created = slots.createWithSnapshot(this.connector, this.settings.slotName(),
						this.decoder.plugin(), initial);
				if (created.snapshot() != null) {
					// the replication thread reads it, then opens the stream (from the consistent point)
					return new Opened(null, null, created.slot(), 0, created.consistentPoint(),
							new PendingInitial(initial, created.snapshot(), created.consistentPoint()));
				}
				slot = created.slot();
			}
			else {
				slot = slots.ensureSlot(this.settings.slotName(), this.decoder.plugin(), create);
			}
			senderTimeoutMillis = walSenderTimeoutMillis(plain);
		}
		if (slot.active()) {
			throw new SlotInUseException("Replication slot '" + slot.name() + "' is in use by process "
					+ slot.activePid() + " (another lode instance or consumer)");
		}
		// 0/0: the server starts at the slot's confirmed position
		Lsn start = (acknowledged != null && acknowledged.isAfter(slot.confirmedFlushLsn())) ? acknowledged
				: Lsn.INVALID;
		Connection replication = this.connector.openReplication();
		try {
			PGReplicationStream stream = start(replication, start);
			return new Opened(replication, stream, slot, senderTimeoutMillis,
					start.equals(Lsn.INVALID) ? slot.confirmedFlushLsn() : start, null);
		}
		catch (SQLException ex) {
			try {
				replication.close();
			}
			catch (SQLException closing) {
				ex.addSuppressed(closing);
			}
			if (OutputPluginAllowList.isRefusal(ex)) {
				// the setting changed since it was read, or this role may not read it
				throw allowList.refused(ex);
			}
			throw this.connector.translate(ex);
		}
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
	 */
	record Opened(@Nullable Connection connection, @Nullable PGReplicationStream stream, SlotInfo slot,
			long senderTimeoutMillis, Lsn start, @Nullable PendingInitial initial) {

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
