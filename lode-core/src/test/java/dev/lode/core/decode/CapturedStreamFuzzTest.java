package dev.lode.core.decode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.lode.core.decode.Wal2JsonV2DecoderFuzzTest.InvariantSink;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property, for wal2json format 1 and pgoutput: whatever bytes arrive, decoding either succeeds or throws
 * {@link WalDecodeException}, and the sink only sees well-framed transactions. Each case replays a captured
 * stream (see {@link Captured}) with a few messages mutated (bit flips, bytes set to interesting values, 32-bit
 * fields overwritten, truncation, insertion, deletion, duplication; for JSON also values replaced by odd
 * tokens) and ends at the first rejected message, as the replication loop does. Deterministic per seed.
 */
class CapturedStreamFuzzTest {

	private static final long SEED = 0x10DE_0001L;

	private static final int CASES = 10_000;

	private static final List<String> SCENARIOS = List.of(Captured.TYPES, Captured.MISC, Captured.DOMAINS,
			Captured.MORE);

	private static final byte[] BYTES = { 0, 1, -1, 0x7f, (byte) 0x80, 'n', 'u', 't', 'b', 'K', 'O', 'N', 'B', 'C',
			'R', 'I', 'U', 'D', 'T', 'Y', 'M', '"', '[', ']', '{', '}', ',', ':', '\\' };

	private static final int[] INTS = { 0, 1, -1, 2, 255, 65535, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x403f, 23,
			1700, 1185, 17 };

	private static final String[] TOKENS = { "null", "true", "1e999", "-0", "\"\"", "\"NaN\"", "[]", "{}", "[1,[2]]",
			"\"infinity\"", "\"{1,{2}\"", "\"2024-13-45 25:61:61+99\"", "\"\\u0000\"", "99999999999999999999", "\"zz\"",
			"\"0/0\"", "\"FFFFFFFF/FFFFFFFF\"", "\"_int4\"", "\"numeric\"", "\"timestamptz\"", "\"bytea\"", "\"uuid\"",
			"\"bool\"", "\"date\"", "\"float8\"", "\"message\"", "\"update\"" };

	@ParameterizedTest
	@ValueSource(strings = { "wal2json-v1", "pgoutput" })
	@Timeout(value = 120, unit = TimeUnit.SECONDS)
	void decodeSucceedsOrThrowsOnlyWalDecodeException(String format) {
		Map<String, List<Captured.Message>> streams = new LinkedHashMap<>();
		SCENARIOS.forEach((s) -> streams.put(s, Captured.messages(s, format)));
		Random random = new Random(SEED ^ format.hashCode());
		Map<String, String> failures = new LinkedHashMap<>();
		int rejected = 0;
		int completed = 0;
		for (int i = 0; i < CASES; i++) {
			List<Captured.Message> stream = streams.get(SCENARIOS.get(random.nextInt(SCENARIOS.size())));
			List<byte[]> payloads = new ArrayList<>();
			stream.forEach((m) -> payloads.add(m.payload()));
			int mutations = 1 + random.nextInt(3);
			for (int m = 0; m < mutations; m++) {
				int index = random.nextInt(payloads.size());
				payloads.set(index, mutate(payloads.get(index), random, format.startsWith("wal2json")));
			}
			WalDecoder decoder = Captured.decoder(format);
			InvariantSink sink = new InvariantSink();
			try {
				for (int j = 0; j < payloads.size(); j++) {
					decoder.decode(ByteBuffer.wrap(payloads.get(j)), stream.get(j).lsn(), sink);
				}
				completed++;
			}
			catch (WalDecodeException ex) {
				rejected++;
			}
			catch (Throwable t) {
				StackTraceElement top = (t.getStackTrace().length > 0) ? t.getStackTrace()[0] : null;
				failures.putIfAbsent(t.getClass().getName() + " at " + top, "case " + i + ": " + t);
			}
		}
		if (!failures.isEmpty()) {
			fail(failures.size() + " distinct unexpected exception(s), seed " + SEED + ":\n"
					+ String.join("\n", failures.values()));
		}
		assertThat(completed).isGreaterThan(CASES / 20);
		assertThat(rejected).isGreaterThan(CASES / 10);
	}

	private static byte[] mutate(byte[] in, Random random, boolean json) {
		if (in.length == 0) {
			return new byte[] { BYTES[random.nextInt(BYTES.length)] };
		}
		byte[] b = in.clone();
		int at = random.nextInt(b.length);
		switch (random.nextInt(json ? 8 : 7)) {
			case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
			case 1 -> b[at] = BYTES[random.nextInt(BYTES.length)];
			case 2 -> {
				int value = INTS[random.nextInt(INTS.length)];
				for (int k = 0; k < 4 && at + k < b.length; k++) {
					b[at + k] = (byte) (value >>> (24 - 8 * k));
				}
			}
			case 3 -> b = java.util.Arrays.copyOf(b, at);
			case 4 -> {
				byte[] out = new byte[b.length + 1];
				System.arraycopy(b, 0, out, 0, at);
				out[at] = BYTES[random.nextInt(BYTES.length)];
				System.arraycopy(b, at, out, at + 1, b.length - at);
				b = out;
			}
			case 5 -> {
				int end = Math.min(b.length, at + 1 + random.nextInt(8));
				byte[] out = new byte[b.length - (end - at)];
				System.arraycopy(b, 0, out, 0, at);
				System.arraycopy(b, end, out, at, b.length - end);
				b = out;
			}
			case 6 -> {
				int end = Math.min(b.length, at + 1 + random.nextInt(16));
				byte[] out = new byte[b.length + (end - at)];
				System.arraycopy(b, 0, out, 0, end);
				System.arraycopy(b, at, out, end, b.length - at);
				b = out;
			}
			default -> b = replaceJsonValue(new String(b, StandardCharsets.UTF_8), random).getBytes(StandardCharsets.UTF_8);
		}
		return b;
	}

	/** Replaces one value after a ':' or in an array with an odd token. */
	private static String replaceJsonValue(String text, Random random) {
		int start = random.nextInt(text.length());
		int colon = text.indexOf(random.nextBoolean() ? ':' : ',', start);
		if (colon < 0) {
			return text;
		}
		int end = colon + 1;
		if (end < text.length() && text.charAt(end) == '"') {
			end = text.indexOf('"', end + 1) + 1;
			if (end <= 0) {
				return text;
			}
		}
		else {
			while (end < text.length() && ",]}".indexOf(text.charAt(end)) < 0) {
				end++;
			}
		}
		return text.substring(0, colon + 1) + TOKENS[random.nextInt(TOKENS.length)] + text.substring(end);
	}

}
