package dev.lode.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.lode.core.decode.Wal2JsonV2Decoder;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/**
 * The control of the latency run: a minimal pgjdbc client on a second slot, in the same JVM and at the same time
 * as lode, that only finds the send time in each message's bytes ({@code readPending()}, 0.1 ms back-off, no JSON
 * parsing, no dispatch). The difference between its send-to-receive latency and lode's send-to-listener latency is
 * what lode adds; what both share comes from the server, the machine and the driver.
 */
final class RawReceiver extends Thread {

	private static final byte[] BIG = "\"name\":\"big\",\"type\":\"bigint\",\"value\":".getBytes(StandardCharsets.US_ASCII);

	private final String url;

	private final String user;

	private final String password;

	private final String slot;

	private final long[] latencies;

	private int samples;

	private volatile long measureFrom = Long.MAX_VALUE;

	private volatile boolean stopped;

	RawReceiver(String url, String user, String password, String slot, int capacity) {
		super("bench-raw-receiver");
		this.url = url;
		this.user = user;
		this.password = password;
		this.slot = slot;
		this.latencies = new long[capacity];
		setDaemon(true);
	}

	void measureFrom(long nanos) {
		this.measureFrom = nanos;
	}

	@Override
	public void run() {
		Properties props = new Properties();
		PGProperty.USER.set(props, this.user);
		PGProperty.PASSWORD.set(props, this.password);
		PGProperty.REPLICATION.set(props, "database");
		PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
		PGProperty.PREFER_QUERY_MODE.set(props, "simple");
		try (Connection c = DriverManager.getConnection(this.url, props)) {
			ChainedLogicalStreamBuilder builder = c.unwrap(PGConnection.class)
				.getReplicationAPI()
				.replicationStream()
				.logical()
				.withSlotName(this.slot)
				.withStartPosition(LogSequenceNumber.INVALID_LSN)
				.withStatusInterval(10, TimeUnit.SECONDS);
			for (Map.Entry<String, String> option : new Wal2JsonV2Decoder().slotOptions().entrySet()) {
				builder = builder.withSlotOption(option.getKey(), option.getValue());
			}
			try (PGReplicationStream stream = builder.start()) {
				while (!this.stopped) {
					ByteBuffer message = stream.readPending();
					if (message == null) {
						LockSupport.parkNanos(100_000);
						continue;
					}
					long now = System.nanoTime();
					long sent = sendTime(message);
					if (sent > 0 && sent >= this.measureFrom && this.samples < this.latencies.length) {
						this.latencies[this.samples++] = now - sent;
					}
				}
			}
		}
		catch (Exception ex) {
			if (!this.stopped) {
				ex.printStackTrace();
			}
		}
	}

	private static long sendTime(ByteBuffer message) {
		byte[] a = message.array();
		int end = message.arrayOffset() + message.limit();
		outer: for (int i = message.arrayOffset() + message.position(); i <= end - BIG.length; i++) {
			for (int j = 0; j < BIG.length; j++) {
				if (a[i + j] != BIG[j]) {
					continue outer;
				}
			}
			long value = 0;
			for (int k = i + BIG.length; k < end && a[k] >= '0' && a[k] <= '9'; k++) {
				value = value * 10 + (a[k] - '0');
			}
			return value;
		}
		return -1;
	}

	Map<String, Object> finish() throws InterruptedException {
		this.stopped = true;
		join(5000);
		long[] v = Arrays.copyOf(this.latencies, this.samples);
		Arrays.sort(v);
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("rawSamples", v.length);
		if (v.length > 0) {
			out.put("rawSendToReceiveP50Ms", v[(int) (0.50 * (v.length - 1))] / 1e6);
			out.put("rawSendToReceiveP99Ms", v[(int) Math.ceil(0.99 * (v.length - 1))] / 1e6);
			out.put("rawSendToReceiveP999Ms", v[(int) Math.ceil(0.999 * (v.length - 1))] / 1e6);
			out.put("rawSendToReceiveMaxMs", v[v.length - 1] / 1e6);
		}
		return out;
	}

}
