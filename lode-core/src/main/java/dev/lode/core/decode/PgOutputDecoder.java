package dev.lode.core.decode;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.lode.core.ChangeKind;
import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.WatchedTable;
import org.jspecify.annotations.Nullable;

/**
 * Decoder of PostgreSQL's built-in {@code pgoutput} plugin, protocol version 1, text values. Relation
 * ({@code R}) and Type ({@code Y}) messages fill a cache keyed by relation id / type OID (they arrive with the
 * XLogData LSN 0/0 and are never acknowledged); Begin, Insert, Update, Delete, Truncate and Commit become
 * transaction boundaries and {@link WalChange}s with the same values as the wal2json decoders give. A
 * transaction is acknowledged at the Commit message's {@code end_lsn}.
 *
 * <p>Old values follow wal2json: the replica identity columns (from the old key when it changed, otherwise from
 * the new row), or the whole old row with {@code REPLICA IDENTITY FULL}. An unchanged TOASTed column
 * ({@code 'u'}) is left out of {@link WalChange#values()} and listed in {@link WalChange#unchangedColumns()}.
 *
 * <p>{@link #setup()} asks for the publication (lode creates it when missing) and {@link #prepared} tells the
 * server version: logical messages ({@code messages=true}, for heartbeats) are requested only from
 * PostgreSQL 14 on, and only once {@code prepared} was called.
 *
 * @since 0.1.0
 */
public final class PgOutputDecoder implements WalDecoder {

	/** PostgreSQL's epoch for timestamps: 2000-01-01 00:00:00 UTC, in microseconds since the Unix epoch. */
	private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

	private final String publication;

	private final List<WatchedTable> tables;

	private final boolean managed;

	private final Map<Integer, PgOutputRelation> relations = new HashMap<>();

	private final Map<Integer, String[]> types = new HashMap<>();

	private int serverMajorVersion;

	private @Nullable TransactionInfo current;

	/**
	 * A decoder for an existing publication (created for all tables if it is missing), used as it is.
	 * @param publication the publication name (the real, case-sensitive name)
	 */
	public PgOutputDecoder(String publication) {
		this(publication, List.of(), false);
	}

	/**
	 * @param publication the publication name (the real, case-sensitive name)
	 * @param tables the tables listeners watch, for creating the publication; empty for all tables
	 * @param managed whether lode owns the publication and may add missing tables and actions to it (otherwise
	 * an existing publication is used as it is)
	 */
	public PgOutputDecoder(String publication, List<WatchedTable> tables, boolean managed) {
		this.publication = Objects.requireNonNull(publication, "publication");
		if (publication.isEmpty()) {
			throw new IllegalArgumentException("The publication name must not be empty");
		}
		this.tables = List.copyOf(tables);
		this.managed = managed;
	}

	@Override
	public String plugin() {
		return "pgoutput";
	}

	/** @return the publication streamed from */
	public String publication() {
		return this.publication;
	}

	@Override
	public Map<String, String> slotOptions() {
		Map<String, String> options = new LinkedHashMap<>();
		options.put("proto_version", "1");
		options.put("publication_names", PgIdentifiers.quote(this.publication));
		if (this.serverMajorVersion >= 14) {
			options.put("messages", "true");
		}
		return Collections.unmodifiableMap(options);
	}

	@Override
	public List<DecoderSetup> setup() {
		return List.of(new DecoderSetup.Publication(this.publication, this.tables, this.managed));
	}

	@Override
	public void prepared(int serverMajorVersion, TableColumns columns) {
		this.serverMajorVersion = serverMajorVersion;
	}

	@Override
	public void reset() {
		this.relations.clear();
		this.types.clear();
		this.current = null;
	}

	@Override
	public void decode(ByteBuffer payload, Lsn messageLsn, DecodeSink sink) throws Exception {
		PgOutputReader in = new PgOutputReader(payload);
		byte type = in.int8();
		switch (type) {
			case 'B' -> begin(in, sink);
			case 'C' -> commit(in, sink);
			case 'R' -> {
				int relid = in.int32();
				PgOutputRelation relation = PgOutputRelation.read(in, this.types);
				if (this.relations.size() > 100_000 && !this.relations.containsKey(relid)) {
					this.relations.clear(); // the server sends R again for each relation after a reset
				}
				this.relations.put(relid, relation);
			}
			case 'Y' -> {
				int oid = in.int32();
				String namespace = in.string();
				String name = in.string();
				in.end();
				if (this.types.size() > 100_000) {
					this.types.clear();
				}
				this.types.put(oid, new String[] { namespace, name });
			}
			case 'O' -> {
				in.int64();
				in.string();
				in.end();
			}
			case 'I', 'U', 'D' -> sink.change(change(type, in, messageLsn));
			case 'T' -> truncate(in, messageLsn, sink);
			case 'M' -> message(in, sink);
			default -> throw new WalDecodeException("pgoutput: unsupported message type " + (type & 0xFF) + " at "
					+ messageLsn + " (lode uses protocol version 1 without streaming or two-phase)");
		}
	}

	private void begin(PgOutputReader in, DecodeSink sink) throws Exception {
		long finalLsn = in.int64();
		long micros = in.int64();
		long xid = Integer.toUnsignedLong(in.int32());
		in.end();
		if (this.current != null) {
			throw new WalDecodeException("pgoutput: BEGIN inside an open transaction");
		}
		TransactionInfo tx = new TransactionInfo(xid, Lsn.of(finalLsn), time(micros));
		this.current = tx;
		sink.begin(tx);
	}

	private void commit(PgOutputReader in, DecodeSink sink) throws Exception {
		in.int8(); // flags, unused
		long commitLsn = in.int64();
		long endLsn = in.int64();
		in.int64(); // commit time, as in BEGIN
		in.end();
		TransactionInfo tx = this.current;
		if (tx == null) {
			throw new WalDecodeException("pgoutput: COMMIT outside a transaction");
		}
		if (tx.commitLsn().value() != commitLsn) {
			throw new WalDecodeException("pgoutput: COMMIT of " + Lsn.of(commitLsn) + " closes the transaction of "
					+ tx.commitLsn());
		}
		this.current = null;
		sink.commit(tx, Lsn.of(endLsn));
	}

	static OffsetDateTime time(long pgMicros) {
		long micros;
		try {
			micros = Math.addExact(pgMicros, PG_EPOCH_MICROS);
		}
		catch (ArithmeticException ex) {
			throw new WalDecodeException("pgoutput: timestamp out of range", ex);
		}
		Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
				Math.floorMod(micros, 1_000_000L) * 1000L);
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	private TransactionInfo transaction(String what) {
		TransactionInfo tx = this.current;
		if (tx == null) {
			throw new WalDecodeException("pgoutput: " + what + " outside a transaction");
		}
		return tx;
	}

	private PgOutputRelation relation(int relid) {
		PgOutputRelation relation = this.relations.get(relid);
		if (relation == null) {
			throw new WalDecodeException("pgoutput: change of relation " + Integer.toUnsignedString(relid)
					+ " before its Relation message");
		}
		return relation;
	}

	private WalChange change(byte type, PgOutputReader in, Lsn messageLsn) {
		TransactionInfo tx = transaction("change");
		PgOutputRelation relation = relation(in.int32());
		byte marker = in.int8();
		// every change but a key-only DELETE carries every column: it shares the relation's type map
		Row row = (type == 'D' && marker == 'K') ? new Row() : new Row(relation.columnTypes);
		ChangeKind kind;
		switch (type) {
			case 'I' -> {
				kind = ChangeKind.INSERT;
				expect(marker, 'N');
				tuple(in, relation, row, false, false);
			}
			case 'U' -> {
				kind = ChangeKind.UPDATE;
				boolean oldSent = marker == 'K' || marker == 'O';
				if (oldSent) {
					tuple(in, relation, row, true, marker == 'K');
					marker = in.int8();
				}
				expect(marker, 'N');
				tuple(in, relation, row, false, false);
				if (!oldSent) {
					// the key did not change: it is in the new row, as wal2json reports it
					for (int i = 0; i < relation.names.length; i++) {
						if (relation.key[i]) {
							row.copyToOld(relation.names[i]);
						}
					}
				}
			}
			default -> {
				kind = ChangeKind.DELETE;
				if (marker != 'K' && marker != 'O') {
					throw new WalDecodeException("pgoutput: DELETE without old key or row");
				}
				tuple(in, relation, row, true, marker == 'K');
			}
		}
		in.end();
		row.keyColumns = relation.keyColumns;
		return row.build(relation.schema, relation.table, kind, tx, messageLsn);
	}

	private static void expect(byte marker, char expected) {
		if (marker != expected) {
			throw new WalDecodeException("pgoutput: tuple marker '" + expected + "' expected");
		}
	}

	/**
	 * Reads TupleData into the row.
	 * @param keyOnly whether it is an old key ({@code 'K'}): its non-key columns are sent as NULL and skipped
	 */
	private static void tuple(PgOutputReader in, PgOutputRelation relation, Row row, boolean old, boolean keyOnly) {
		int count = in.int16();
		if (count != relation.names.length) {
			throw new WalDecodeException("pgoutput: tuple has " + count + " columns, its relation "
					+ relation.names.length);
		}
		for (int i = 0; i < count; i++) {
			byte kind = in.int8();
			String name = relation.names[i];
			if (keyOnly && !relation.key[i] && kind == 'n') {
				continue;
			}
			switch (kind) {
				case 'n' -> row.value(old, name, null, relation.typeNames[i], null);
				case 'u' -> {
					if (!old) {
						row.unchanged(name, relation.typeNames[i]);
					}
				}
				case 't' -> row.text(old, name, relation.types[i], relation.typeNames[i], in.text(in.int32()), false);
				case 'b' -> throw new WalDecodeException("pgoutput: binary column values were not requested");
				default -> throw new WalDecodeException("pgoutput: unknown column kind " + (kind & 0xFF));
			}
		}
	}

	private void truncate(PgOutputReader in, Lsn messageLsn, DecodeSink sink) throws Exception {
		TransactionInfo tx = transaction("TRUNCATE");
		int count = in.int32();
		in.int8(); // CASCADE / RESTART IDENTITY
		if (count < 0) {
			throw new WalDecodeException("pgoutput: negative relation count");
		}
		List<PgOutputRelation> truncated = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			truncated.add(relation(in.int32()));
		}
		in.end();
		for (PgOutputRelation relation : truncated) {
			sink.change(new Row().build(relation.schema, relation.table, ChangeKind.TRUNCATE, tx, messageLsn));
		}
	}

	private void message(PgOutputReader in, DecodeSink sink) throws Exception {
		boolean transactional = (in.int8() & 1) != 0;
		Lsn lsn = Lsn.of(in.int64());
		String prefix = in.string();
		String content = in.text(in.int32());
		in.end();
		if (!transactional) {
			sink.message(lsn, prefix, content);
		}
		else {
			sink.transactionalMessage(lsn, prefix, content);
		}
	}

	@Override
	public String toString() {
		return "PgOutputDecoder{publication=" + this.publication + "}";
	}

}
