package dev.lode.core.decode;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.lode.core.Lsn;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/**
 * Captures fixtures through a real walsender with pgjdbc (pg_recvlogical cannot print the XLogData LSN, and
 * pgoutput's messages are binary): one line per message, {@code <XLogData LSN> TAB <payload>}, the payload as
 * text (wal2json) or hex (pgoutput). Not a test; run by hand, see {@code src/test/resources/pgoutput/README.md}.
 *
 * <pre>
 * java -Duser.timezone=UTC -cp ... dev.lode.core.decode.FixtureCapture URL SLOT FORMAT FILE
 * </pre>
 * FORMAT is {@code v1}, {@code v2} or {@code pgoutput:<publication>}. Streams until nothing arrived for two
 * seconds after the server's position passed the WAL insert position at the start.
 */
final class FixtureCapture {

	private FixtureCapture() {
	}

	public static void main(String[] args) throws Exception {
		String url = args[0];
		String slot = args[1];
		String format = args[2];
		Path file = Path.of(args[3]);
		WalDecoder decoder = format.equals("v1") ? new Wal2JsonV1Decoder()
				: format.equals("v2") ? new Wal2JsonV2Decoder() : new PgOutputDecoder(format.substring(9));
		Lsn end;
		Properties plain = new Properties();
		PGProperty.USER.set(plain, "postgres");
		try (Connection c = DriverManager.getConnection(url, plain); Statement s = c.createStatement();
				ResultSet rs = s.executeQuery("select pg_current_wal_insert_lsn()::text")) {
			rs.next();
			end = Lsn.parse(rs.getString(1));
			if (decoder instanceof PgOutputDecoder) {
				// learn the server version (messages=true); the publication exists already
				dev.lode.core.replication.DecoderPreparation.prepare(c, decoder, true);
			}
		}
		Properties props = new Properties();
		PGProperty.USER.set(props, "postgres");
		PGProperty.REPLICATION.set(props, "database");
		PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
		PGProperty.PREFER_QUERY_MODE.set(props, "simple");
		try (Connection replication = DriverManager.getConnection(url, props);
				PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
			ChainedLogicalStreamBuilder builder = replication.unwrap(PGConnection.class)
				.getReplicationAPI()
				.replicationStream()
				.logical()
				.withSlotName(slot)
				.withStartPosition(LogSequenceNumber.INVALID_LSN)
				.withStatusInterval(1, TimeUnit.SECONDS);
			for (var option : decoder.slotOptions().entrySet()) {
				builder = builder.withSlotOption(option.getKey(), option.getValue().replace("'", "''"));
			}
			PGReplicationStream stream = builder.start();
			long lastMessage = System.nanoTime();
			int count = 0;
			while (true) {
				ByteBuffer message = stream.readPending();
				if (message == null) {
					Lsn position = Lsn.of(stream.getLastReceiveLSN().asLong());
					if (!end.isAfter(position) && System.nanoTime() - lastMessage > TimeUnit.SECONDS.toNanos(2)) {
						break;
					}
					Thread.sleep(10);
					continue;
				}
				lastMessage = System.nanoTime();
				Lsn lsn = Lsn.of(stream.getLastReceiveLSN().asLong());
				byte[] bytes = new byte[message.remaining()];
				message.get(bytes);
				String payload = (decoder instanceof PgOutputDecoder) ? HexFormat.of().formatHex(bytes)
						: new String(bytes, StandardCharsets.UTF_8);
				out.println(lsn + "\t" + payload);
				count++;
			}
			stream.close();
			System.out.println(file + ": " + count + " messages");
		}
	}

}
