package dev.lode.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.decode.DecodeSink;
import dev.lode.core.decode.WalDecoder;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/**
 * Replication messages captured from a real slot, for the JMH decoder benchmarks: a file of frames
 * {@code (long lsn, int length, byte[length])}, format independent (pgoutput is binary, so lines would not do).
 */
final class Payloads {

	final byte[][] frames;

	final Lsn[] lsns;

	final long bytes;

	private Payloads(byte[][] frames, Lsn[] lsns, long bytes) {
		this.frames = frames;
		this.lsns = lsns;
		this.bytes = bytes;
	}

	/**
	 * The arguments {@code <payload dir> <format> <workload>} of the decoder tools, resolved.
	 * @param format the format
	 * @param payloads its captured messages of the workload
	 * @param decoder a new decoder of the format
	 */
	record Input(Format format, Payloads payloads, WalDecoder decoder) {

		static Input of(String[] args) throws Exception {
			Format format = Format.byId(args[1]);
			Workload workload = Workload.valueOf(args[2].toUpperCase());
			return new Input(format, load(file(Path.of(args[0]), format, workload)), format.newDecoder());
		}

	}

	static Path file(Path dir, Format format, Workload workload) {
		return dir.resolve(format.id + "-" + workload.id + ".bin");
	}

	/**
	 * Streams {@code slot} with pgjdbc and writes its messages to {@code file} until about {@code maxBytes} were
	 * written or nothing arrived for two seconds.
	 */
	static void capture(Pg pg, String slot, Map<String, String> options, long maxBytes, Path file) throws Exception {
		Properties props = new Properties();
		PGProperty.USER.set(props, pg.server.username());
		PGProperty.PASSWORD.set(props, pg.server.password());
		PGProperty.REPLICATION.set(props, "database");
		PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
		PGProperty.PREFER_QUERY_MODE.set(props, "simple");
		Files.createDirectories(file.getParent());
		try (Connection c = DriverManager.getConnection(pg.url(), props);
				DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
			ChainedLogicalStreamBuilder builder = c.unwrap(PGConnection.class)
				.getReplicationAPI()
				.replicationStream()
				.logical()
				.withSlotName(slot)
				.withStartPosition(LogSequenceNumber.INVALID_LSN);
			for (Map.Entry<String, String> option : options.entrySet()) {
				builder = builder.withSlotOption(option.getKey(), option.getValue());
			}
			try (PGReplicationStream stream = builder.start()) {
				long written = 0;
				long lastMessage = System.nanoTime();
				while (written < maxBytes && System.nanoTime() - lastMessage < TimeUnit.SECONDS.toNanos(2)) {
					ByteBuffer message = stream.readPending();
					if (message == null) {
						Thread.sleep(1);
						continue;
					}
					lastMessage = System.nanoTime();
					out.writeLong(stream.getLastReceiveLSN().asLong());
					out.writeInt(message.remaining());
					out.write(message.array(), message.arrayOffset() + message.position(), message.remaining());
					written += message.remaining();
				}
			}
		}
	}

	static Payloads load(Path file) throws Exception {
		List<byte[]> frames = new ArrayList<>();
		List<Lsn> lsns = new ArrayList<>();
		long bytes = 0;
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
			while (true) {
				long lsn;
				try {
					lsn = in.readLong();
				}
				catch (EOFException ex) {
					break;
				}
				byte[] frame = new byte[in.readInt()];
				in.readFully(frame);
				frames.add(frame);
				lsns.add(Lsn.of(lsn));
				bytes += frame.length;
			}
		}
		return new Payloads(frames.toArray(new byte[0][]), lsns.toArray(new Lsn[0]), bytes);
	}

	/** Decodes every frame once, from a fresh decoder state. */
	void decodeAll(WalDecoder decoder, DecodeSink sink) throws Exception {
		decoder.reset();
		for (int i = 0; i < this.frames.length; i++) {
			decoder.decode(ByteBuffer.wrap(this.frames[i]), this.lsns[i], sink);
		}
	}

	/** Counts what a decoder emits. */
	static class CountingSink implements DecodeSink {

		long changes;

		long transactions;

		@Override
		public void begin(TransactionInfo transaction) {
		}

		@Override
		public void change(WalChange change) {
			this.changes++;
			consume(change);
		}

		@Override
		public void commit(TransactionInfo transaction, Lsn endLsn) {
			this.transactions++;
		}

		@Override
		public void message(Lsn lsn, String prefix, String content) {
		}

		/** Hook for JMH's Blackhole. */
		void consume(WalChange change) {
		}

	}

}
