package dev.lode.core.decode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property: whatever bytes arrive, {@link Wal2JsonV2Decoder#decode} either succeeds or throws
 * {@link WalDecodeException}; nothing else (no NullPointerException, ClassCastException, Jackson exception,
 * StackOverflowError, ...), and the sink only ever sees well-framed transactions. Inputs are mutations of the
 * real captured messages. Deterministic: a failure names the case, re-run it with {@link #runCase}.
 */
class Wal2JsonV2DecoderFuzzTest {

	private static final long SEED = 0x10DE_2024L;

	private static final int CASES = 20_000;

	private static final int MB = 1 << 20;

	private static final String[] FIELDS = { "action", "xid", "timestamp", "origin", "lsn", "nextlsn", "schema",
			"table", "columns", "identity", "pk", "transactional", "prefix", "content", "name", "type", "typeoid",
			"value", "optional", "position", "default" };

	private static final String[] ACTIONS = { "B", "C", "I", "U", "D", "T", "M", "", "b", "BB", "X", "\u0000",
			"\u00c9" };

	private static final String[] TYPES = { "integer", "smallint", "bigint", "int8", "numeric", "numeric(12,2)",
			"decimal", "real", "float4", "double precision", "float8", "boolean", "text", "oid", "" };

	private static final String[] LSNS = { "0/0", "0/1", "16/B374D848", "FFFFFFFF/FFFFFFFF", "100000000/0",
			"0/100000000", "-1/0", "+1/1", "1/", "/1", "/", "", "0x1/0", "1/2/3", "\u0661/\u0660", "00000016/B374D848",
			"FFFFFFFFFFFFFFFFFFFF/0" };

	private static final String[] TIMESTAMPS = { "2026-11-23 21:20:01.024626+00", "2024-01-02 03:04:05+05:30",
			"2024-01-02 03:04:05-03:30", "1900-01-01 00:00:00+00:19:32", "2024-02-30 00:00:00+00",
			"2024-01-02 25:00:00+00", "infinity", "-infinity", "2024-01-02T03:04:05Z", "2024-01-02 03:04:05",
			"2024-01-02 03:04:05+99", "2024-01-02 03:04:05.1234567891+00", "0044-03-15 12:00:00+00 BC",
			"10000-01-01 00:00:00+00", "", "+", " " };

	/** Real messages, the TOASTed ones shortened so that most cases stay small. */
	private static final List<Sample> SMALL = new ArrayList<>();

	/** Real messages as captured, including the 100 kB ones. */
	private static final List<Sample> ALL = new ArrayList<>();

	private static String megabyte;

	@BeforeAll
	static void loadSamples() {
		for (String fixture : Fixtures.ALL) {
			for (String line : Fixtures.lines(fixture)) {
				ALL.add(Sample.of(line));
				SMALL.add(Sample.of(line.replaceAll("\"value\":\"([0-9a-f]{200})[0-9a-f]{1000,}\"", "\"value\":\"$1\"")));
			}
		}
		assertThat(ALL).hasSizeGreaterThan(80);
		Random random = new Random(SEED);
		StringBuilder sb = new StringBuilder(MB);
		while (sb.length() < MB) {
			sb.append(random.nextInt(10) == 0 ? "\\u00e9\\\"\u65e5\\n" : "abcdefghij");
		}
		megabyte = sb.toString();
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void decodeSucceedsOrThrowsOnlyWalDecodeException() {
		Map<String, String> failures = new LinkedHashMap<>();
		int succeeded = 0;
		int rejected = 0;
		Wal2JsonV2Decoder decoder = new Wal2JsonV2Decoder();
		for (int i = 0; i < CASES; i++) {
			Outcome outcome = runCase(decoder, i);
			succeeded += outcome.succeeded;
			rejected += outcome.rejected;
			if (outcome.failure != null) {
				Throwable t = outcome.failure;
				StackTraceElement top = (t.getStackTrace().length > 0) ? t.getStackTrace()[0] : null;
				failures.putIfAbsent(t.getClass().getName() + " at " + top,
						"case " + i + " (" + outcome.description + "): " + t + "\n    input: " + outcome.preview);
			}
		}
		if (!failures.isEmpty()) {
			fail(failures.size() + " distinct unexpected exception(s), seed " + SEED + ":\n"
					+ String.join("\n", failures.values()));
		}
		// the mutations must exercise both paths
		assertThat(succeeded).isGreaterThan(CASES / 10);
		assertThat(rejected).isGreaterThan(CASES / 10);
	}

	@Test
	void hugeAndDeepValuesAtEveryPosition() throws Exception {
		Wal2JsonV2Decoder decoder = new Wal2JsonV2Decoder();
		String deepArrays = "[".repeat(10_000) + "]".repeat(10_000);
		String deepObjects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
		String unbalanced = "[{\"a\":".repeat(5_000);
		String hugeString = "\"" + megabyte.repeat(3) + "\"";
		String hugeNumber = "9".repeat(MB);
		String[] replacements = { deepArrays, deepObjects, unbalanced, hugeString, hugeNumber,
				"-" + "1".repeat(200_000) + ".5" };
		// a B, an INSERT of two columns, an UPDATE with identity, a non-transactional message
		List<Sample> samples = List.of(SMALL.get(0), misc("\"value\":\"a\""), misc("\"action\":\"U\""),
				misc("\"transactional\":false"));
		for (Sample sample : samples) {
			boolean open = !sample.text.startsWith("{\"action\":\"B\"") && !sample.text.contains("\"transactional\":false");
			for (Span span : sample.spans) {
				for (String replacement : replacements) {
					String text = sample.text.substring(0, span.valueStart) + replacement
							+ sample.text.substring(span.valueEnd);
					decoder.reset();
					InvariantSink sink = new InvariantSink();
					if (open) {
						decoder.decode(utf8("{\"action\":\"B\"}"), Lsn.INVALID, sink);
					}
					try {
						decoder.decode(utf8(text), Lsn.parse("1/0"), sink);
					}
					catch (WalDecodeException expected) {
						// fine
					}
					catch (Throwable t) {
						fail("replacing " + span.field + " of " + sample.text.substring(0, 30) + " with "
								+ replacement.substring(0, 20) + "...: " + t, t);
					}
				}
			}
		}
	}

	@Test
	void hugeStringsAreDecoded() throws Exception {
		Wal2JsonV2Decoder decoder = new Wal2JsonV2Decoder();
		RecordingSink sink = new RecordingSink();
		String escaped = megabyte.repeat(5);
		decoder.decode(utf8("{\"action\":\"B\",\"xid\":1}"), Lsn.INVALID, sink);
		decoder.decode(utf8("{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"v\","
				+ "\"type\":\"text\",\"value\":\"" + escaped + "\"}]}"), Lsn.INVALID, sink);
		decoder.decode(utf8("{\"action\":\"M\",\"transactional\":false,\"prefix\":\"p\",\"content\":\"" + escaped
				+ "\"}"), Lsn.parse("0/9"), sink);
		String expected = escaped.replace("\\u00e9", "\u00e9").replace("\\\"", "\"").replace("\\n", "\n");
		assertThat((String) sink.changes().get(0).get("v")).hasSize(expected.length()).isEqualTo(expected);
		assertThat(sink.messages().get(0).content()).isEqualTo(expected);
	}

	@Test
	void sameSeedSameCases() {
		for (int i = 0; i < 200; i++) {
			assertThat(generate(new Random(caseSeed(i))).description)
				.isEqualTo(generate(new Random(caseSeed(i))).description);
		}
	}

	private static Sample misc(String contains) {
		return SMALL.stream().filter((s) -> s.text.contains(contains)).findFirst().orElseThrow();
	}

	private static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private static long caseSeed(int index) {
		return SEED * 1_000_003L + index;
	}

	/** Runs one case: a fresh decoder state, then one to four (mostly mutated) messages. */
	static Outcome runCase(Wal2JsonV2Decoder decoder, int index) {
		Random random = new Random(caseSeed(index));
		Generated generated = generate(random);
		Outcome outcome = new Outcome(generated.description);
		decoder.reset();
		InvariantSink sink = new InvariantSink();
		for (byte[] message : generated.messages) {
			ByteBuffer buffer = wrap(message, random);
			try {
				decoder.decode(buffer, Lsn.of(random.nextLong()), sink);
				outcome.succeeded++;
			}
			catch (WalDecodeException ex) {
				outcome.rejected++;
			}
			catch (Throwable t) {
				outcome.failure = t;
				outcome.preview = preview(message);
				break;
			}
		}
		return outcome;
	}

	/** The same bytes as a plain, offset, read-only or direct buffer. */
	private static ByteBuffer wrap(byte[] message, Random random) {
		switch (random.nextInt(8)) {
			case 0 -> {
				byte[] padded = new byte[message.length + 16];
				random.nextBytes(padded);
				System.arraycopy(message, 0, padded, 7, message.length);
				ByteBuffer slice = ByteBuffer.wrap(padded, 3, message.length + 10).slice();
				slice.position(4).limit(4 + message.length);
				return slice;
			}
			case 1 -> {
				return ByteBuffer.wrap(message).asReadOnlyBuffer();
			}
			case 2 -> {
				ByteBuffer direct = ByteBuffer.allocateDirect(message.length);
				direct.put(message).flip();
				return direct;
			}
			default -> {
				return ByteBuffer.wrap(message);
			}
		}
	}

	private static Generated generate(Random random) {
		List<byte[]> messages = new ArrayList<>();
		StringBuilder description = new StringBuilder();
		if (random.nextInt(10) == 0) {
			// a run of unmodified consecutive messages starting anywhere: C without B, changes without B, ...
			int start = random.nextInt(SMALL.size());
			int count = 1 + random.nextInt(4);
			description.append("run ").append(start).append('+').append(count);
			for (int i = start; i < Math.min(SMALL.size(), start + count); i++) {
				messages.add(SMALL.get(i).bytes());
			}
			return new Generated(messages, description.toString());
		}
		int count = 1 + random.nextInt(random.nextInt(4) + 1);
		for (int m = 0; m < count; m++) {
			if (m > 0) {
				description.append(" | ");
			}
			if (random.nextInt(4) == 0) {
				description.append("valid");
				messages.add(pick(random).bytes());
			}
			else {
				Mutation mutation = MUTATIONS[random.nextInt(MUTATIONS.length)];
				description.append(mutation.name);
				messages.add(mutation.apply(random));
			}
		}
		return new Generated(messages, description.toString());
	}

	private static Sample pick(Random random) {
		return (random.nextInt(300) == 0) ? ALL.get(random.nextInt(ALL.size())) : SMALL.get(random.nextInt(SMALL.size()));
	}

	private static byte[] bytesOf(Random random) {
		return pick(random).bytes().clone();
	}

	private interface Mutator {

		byte[] apply(Random random);

	}

	private record Mutation(String name, Mutator mutator) {

		byte[] apply(Random random) {
			return this.mutator.apply(random);
		}

	}

	private static final Mutation[] MUTATIONS = {
			new Mutation("truncate", (r) -> {
				byte[] b = bytesOf(r);
				return java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
			}),
			new Mutation("flip bits", (r) -> {
				byte[] b = bytesOf(r);
				for (int i = 1 + r.nextInt(8); i > 0; i--) {
					int at = r.nextInt(b.length);
					b[at] ^= (byte) (1 << r.nextInt(8));
				}
				return b;
			}),
			new Mutation("random byte", (r) -> {
				byte[] b = bytesOf(r);
				for (int i = 1 + r.nextInt(4); i > 0; i--) {
					b[r.nextInt(b.length)] = (byte) r.nextInt(256);
				}
				return b;
			}),
			new Mutation("structural byte", (r) -> {
				byte[] b = bytesOf(r);
				String structural = "{}[]:,\"\\ 0-.eE+tfn/";
				for (int i = 1 + r.nextInt(3); i > 0; i--) {
					b[r.nextInt(b.length)] = (byte) structural.charAt(r.nextInt(structural.length()));
				}
				return b;
			}),
			new Mutation("insert bytes", (r) -> {
				byte[] b = bytesOf(r);
				byte[] insert = new byte[1 + r.nextInt(16)];
				r.nextBytes(insert);
				return splice(b, r.nextInt(b.length + 1), 0, insert);
			}),
			new Mutation("delete bytes", (r) -> {
				byte[] b = bytesOf(r);
				int at = r.nextInt(b.length);
				return splice(b, at, Math.min(b.length - at, 1 + r.nextInt(r.nextBoolean() ? 4 : 64)), new byte[0]);
			}),
			new Mutation("duplicate bytes", (r) -> {
				byte[] b = bytesOf(r);
				int at = r.nextInt(b.length);
				int len = Math.min(b.length - at, 1 + r.nextInt(100));
				return splice(b, r.nextInt(b.length + 1), 0, java.util.Arrays.copyOfRange(b, at, at + len));
			}),
			new Mutation("invalid utf-8", (r) -> {
				byte[][] bad = { { (byte) 0x80 }, { (byte) 0xC0, (byte) 0x80 }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
						{ (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 }, { (byte) 0xFF },
						{ (byte) 0xE2, (byte) 0x82 }, { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 },
						{ (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }, { 0 } };
				byte[] b = bytesOf(r);
				int at = r.nextInt(b.length + 1);
				return splice(b, at, (at < b.length) ? r.nextInt(2) : 0, bad[r.nextInt(bad.length)]);
			}),
			new Mutation("unicode in value", (r) -> {
				Sample s = pick(r);
				Span span = s.randomSpan(r);
				String text = s.text;
				int at = span.valueStart + ((span.valueEnd - span.valueStart > 2) ? 1 + r.nextInt(span.valueEnd - span.valueStart - 1) : 0);
				return utf8Bytes(text.substring(0, at) + randomUnicode(r, 1 + r.nextInt(20)) + text.substring(at));
			}),
			new Mutation("unicode string value", (r) -> {
				Sample s = pick(r);
				return utf8Bytes(s.replaceValue(s.randomSpan(r), "\"" + randomUnicode(r, r.nextInt(40)) + "\""));
			}),
			new Mutation("wrong type", (r) -> {
				Sample s = pick(r);
				return utf8Bytes(s.replaceValue(s.randomSpan(r), randomJson(r, 3)));
			}),
			new Mutation("wrong types", (r) -> {
				Sample s = pick(r);
				String text = s.text;
				List<Span> spans = new ArrayList<>(s.spans);
				// replace from the end so that earlier offsets stay valid; skip nested overlaps
				spans.sort((a, b) -> Integer.compare(b.valueStart, a.valueStart));
				int limit = Integer.MAX_VALUE;
				for (Span span : spans) {
					if (span.valueEnd <= limit && r.nextInt(4) == 0) {
						text = text.substring(0, span.valueStart) + randomJson(r, 2) + text.substring(span.valueEnd);
						limit = span.nameStart;
					}
				}
				return utf8Bytes(text);
			}),
			new Mutation("domain value", (r) -> {
				Sample s = pick(r);
				Span span = s.randomSpan(r);
				String value = switch (span.field) {
					case "action" -> quote(ACTIONS[r.nextInt(ACTIONS.length)]);
					case "lsn", "nextlsn" -> quote(LSNS[r.nextInt(LSNS.length)]);
					case "timestamp" -> quote(TIMESTAMPS[r.nextInt(TIMESTAMPS.length)]);
					case "type" -> quote(TYPES[r.nextInt(TYPES.length)]);
					case "xid" -> randomNumber(r);
					default -> randomJson(r, 2);
				};
				return utf8Bytes(s.replaceValue(span, value));
			}),
			new Mutation("typed number", (r) -> {
				// a column value under a numeric type: every number notation
				String type = TYPES[r.nextInt(TYPES.length)];
				return utf8Bytes("{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"c\",\"type\":\""
						+ type + "\",\"value\":" + randomNumber(r) + "}]}");
			}),
			new Mutation("remove field", (r) -> {
				Sample s = pick(r);
				Span span = s.randomSpan(r);
				String text = s.text;
				int start = span.nameStart;
				int end = span.valueEnd;
				if (end < text.length() && text.charAt(end) == ',') {
					end++;
				}
				else if (start > 0 && text.charAt(start - 1) == ',') {
					start--;
				}
				return utf8Bytes(text.substring(0, start) + text.substring(end));
			}),
			new Mutation("duplicate field", (r) -> {
				Sample s = pick(r);
				Span span = s.randomSpan(r);
				String field = s.text.substring(span.nameStart, span.valueEnd);
				Span other = s.randomSpan(r);
				String value = r.nextBoolean() ? field : "\"" + span.field + "\":" + randomJson(r, 2);
				return utf8Bytes(s.text.substring(0, other.nameStart) + value + "," + s.text.substring(other.nameStart));
			}),
			new Mutation("rename field", (r) -> {
				Sample s = pick(r);
				Span span = s.randomSpan(r);
				String name = r.nextBoolean() ? FIELDS[r.nextInt(FIELDS.length)] : randomUnicode(r, 1 + r.nextInt(8));
				return utf8Bytes(s.text.substring(0, span.nameStart) + quote(name) + s.text.substring(span.valueStart - 1));
			}),
			new Mutation("deep nesting", (r) -> {
				Sample s = pick(r);
				int depth = r.nextBoolean() ? 10_000 : 1 + r.nextInt(2_000);
				String open = r.nextBoolean() ? "[" : "{\"a\":";
				String close = open.equals("[") ? "]" : "}";
				String nested = open.repeat(depth) + (open.equals("[") ? "" : "1")
						+ (r.nextInt(4) == 0 ? "" : close.repeat(depth));
				return utf8Bytes(r.nextInt(5) == 0 ? nested : s.replaceValue(s.randomSpan(r), nested));
			}),
			new Mutation("huge value", (r) -> {
				Sample s = pick(r);
				if (r.nextInt(80) != 0) {
					// mostly moderately large, now and then several MB
					return utf8Bytes(s.replaceValue(s.randomSpan(r), "\"" + megabyte.substring(0, r.nextInt(16 * 1024)) + "\""));
				}
				String huge = switch (r.nextInt(4)) {
					case 0 -> "\"" + megabyte.repeat(2 + r.nextInt(4)) + "\"";
					case 1 -> "9".repeat(2 * MB);
					case 2 -> "\"" + "\\u00e9".repeat(MB) + "\"";
					default -> " ".repeat(3 * MB) + "null";
				};
				return utf8Bytes(s.replaceValue(s.randomSpan(r), huge));
			}),
			new Mutation("huge name", (r) -> {
				Sample s = pick(r);
				Span span = s.randomSpan(r);
				String name = megabyte.substring(0, r.nextInt(8) == 0 ? 60_000 : 100);
				return utf8Bytes(s.text.substring(0, span.nameStart) + "\"" + name + "\"" + s.text.substring(span.valueStart - 1));
			}),
			new Mutation("special", (r) -> {
				String line = pick(r).text;
				Supplier<String>[] specials = specials(line, r);
				return utf8Bytes(specials[r.nextInt(specials.length)].get());
			}),
			new Mutation("other encoding", (r) -> {
				Charset[] charsets = { StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16,
						Charset.forName("UTF-32BE"), Charset.forName("UTF-32LE"), StandardCharsets.ISO_8859_1 };
				byte[] b = pick(r).text.getBytes(charsets[r.nextInt(charsets.length)]);
				return (r.nextBoolean()) ? b : java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
			}),
			new Mutation("random bytes", (r) -> {
				byte[] b = new byte[r.nextInt(64)];
				r.nextBytes(b);
				if (b.length > 0 && r.nextBoolean()) {
					b[0] = '{';
				}
				return b;
			}),
			new Mutation("random object", (r) -> {
				StringBuilder sb = new StringBuilder("{");
				for (int i = r.nextInt(6); i >= 0; i--) {
					sb.append(quote(FIELDS[r.nextInt(FIELDS.length)])).append(':');
					sb.append(r.nextBoolean() ? quote(ACTIONS[r.nextInt(ACTIONS.length)]) : randomJson(r, 3));
					if (i > 0) {
						sb.append(',');
					}
				}
				return utf8Bytes(sb.append('}').toString());
			}) };

	@SuppressWarnings("unchecked")
	private static Supplier<String>[] specials(String line, Random r) {
		return new Supplier[] { () -> "", () -> " ", () -> "\n", () -> "null", () -> "true", () -> "[]", () -> "{}",
				() -> "\"B\"", () -> "123", () -> "-", () -> "{", () -> "}", () -> "[{}]", () -> "\uFEFF" + line,
				() -> line + line, () -> line + "\n" + line, () -> line + " x", () -> line + "}", () -> "[" + line + "]",
				() -> "{\"action\":\"C\"}", () -> "{\"action\":\"B\"}", () -> "{\"action\":null}",
				() -> "{\"action\":\"B\",\"action\":\"C\"}", () -> "{\"action\":\"M\"}",
				() -> "{\"action\":\"M\",\"transactional\":false}",
				() -> "{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\"}", () -> "{\"action\":\"T\"}",
				() -> "{\"action\":\"U\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"a\",\"value\":1,\"name\":null}]}",
				() -> "{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"value\":1,\"type\":\"bigint\",\"name\":\"a\"}]}",
				() -> "{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"bigint\",\"value\":1.5e3}]}",
				() -> "{\"action\":\"I\",\"schema\":\"s\",\"table\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"real\",\"value\":" + "9".repeat(100_000) + "}]}",
				() -> "{\"action\":\"B\",\"xid\":" + "9".repeat(30) + "}", () -> "{\"action\":\"B\",\"xid\":-1}",
				() -> "{\"action\":\"B\",\"timestamp\":\"" + TIMESTAMPS[r.nextInt(TIMESTAMPS.length)] + "\"}",
				() -> "{\"action\":\"C\",\"nextlsn\":\"" + LSNS[r.nextInt(LSNS.length)] + "\"}",
				() -> "{'action':'B'}", () -> "{action:\"B\"}", () -> "{\"action\":\"B\",}", () -> "/* c */{\"action\":\"B\"}",
				() -> "{\"action\":\"B\",\"xid\":NaN}", () -> "{\"action\":\"B\",\"xid\":Infinity}",
				() -> "{\"action\":\"B\",\"xid\":01}", () -> "{\"action\":\"B\",\"xid\":0x1}", () -> "\u0000" };
	}

	private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + insert.length);
		out.write(b, 0, at);
		out.write(insert, 0, insert.length);
		out.write(b, at + remove, b.length - at - remove);
		return out.toByteArray();
	}

	private static byte[] utf8Bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String quote(String text) {
		StringBuilder sb = new StringBuilder("\"");
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				sb.append('\\').append(c);
			}
			else if (c < 0x20) {
				sb.append(String.format("\\u%04x", (int) c));
			}
			else {
				sb.append(c);
			}
		}
		return sb.append('"').toString();
	}

	/** Raw and escaped characters from every part of Unicode, some of them invalid in JSON. */
	private static String randomUnicode(Random r, int length) {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < length; i++) {
			switch (r.nextInt(10)) {
				case 0 -> sb.append((char) r.nextInt(0x20));
				case 1 -> sb.append((char) (0xD800 + r.nextInt(0x800)));
				case 2 -> sb.appendCodePoint(0x10000 + r.nextInt(0x100000));
				case 3 -> sb.append(String.format("\\u%04x", r.nextInt(0x10000)));
				case 4 -> sb.append("\\").append("\"\\/bfnrtux'0".charAt(r.nextInt(12)));
				case 5 -> sb.append('"');
				case 6 -> sb.append((char) (0x80 + r.nextInt(0xFF80)));
				case 7 -> sb.append("\uFEFF\uFFFE\uFFFF\u2028\u2029".charAt(r.nextInt(5)));
				default -> sb.append((char) (0x20 + r.nextInt(0x5F)));
			}
		}
		return sb.toString();
	}

	private static String randomNumber(Random r) {
		return switch (r.nextInt(16)) {
			case 0 -> "0";
			case 1 -> "-0";
			case 2 -> Long.toString(r.nextLong());
			case 3 -> Integer.toString(r.nextInt());
			case 4 -> "9".repeat(1 + r.nextInt(40));
			case 5 -> "-" + "9".repeat(1 + r.nextInt(3000));
			case 6 -> Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(600) - 300));
			case 7 -> "1e" + (r.nextBoolean() ? "" : "-") + (r.nextBoolean() ? "999999999" : "2147483648");
			case 8 -> "1.5e+30";
			case 9 -> "0." + "0".repeat(r.nextInt(500)) + "1";
			case 10 -> "18446744073709551615";
			case 11 -> "-9223372036854775809";
			case 12 -> "3.4028236e+38";
			case 13 -> "1" + "0".repeat(r.nextInt(400)) + ".0";
			case 14 -> "4.9e-325";
			default -> Integer.toString(r.nextInt(100));
		};
	}

	private static String randomJson(Random r, int depth) {
		int kind = r.nextInt(depth > 0 ? 9 : 7);
		return switch (kind) {
			case 0 -> "null";
			case 1 -> r.nextBoolean() ? "true" : "false";
			case 2, 3 -> randomNumber(r);
			case 4 -> quote(randomUnicode(r, r.nextInt(12)));
			case 5 -> quote(LSNS[r.nextInt(LSNS.length)]);
			case 6 -> quote(ACTIONS[r.nextInt(ACTIONS.length)]);
			case 7 -> {
				StringBuilder sb = new StringBuilder("[");
				for (int i = r.nextInt(4); i > 0; i--) {
					sb.append(randomJson(r, depth - 1)).append(i > 1 ? "," : "");
				}
				yield sb.append(']').toString();
			}
			default -> {
				StringBuilder sb = new StringBuilder("{");
				for (int i = r.nextInt(4); i > 0; i--) {
					sb.append(quote(FIELDS[r.nextInt(FIELDS.length)])).append(':').append(randomJson(r, depth - 1))
						.append(i > 1 ? "," : "");
				}
				yield sb.append('}').toString();
			}
		};
	}

	private static String preview(byte[] message) {
		String text = new String(message, 0, Math.min(message.length, 300), StandardCharsets.UTF_8);
		StringBuilder sb = new StringBuilder();
		text.codePoints().forEach((c) -> {
			if (c < 0x20 || c > 0x7E) {
				sb.append(String.format("\\u%04x", c));
			}
			else {
				sb.append((char) c);
			}
		});
		return sb + ((message.length > 300) ? "... (" + message.length + " bytes)" : "");
	}

	/** A field of a JSON message: offsets of its name and of its value in the text. */
	record Span(String field, int nameStart, int valueStart, int valueEnd) {
	}

	/** A valid JSON message and the positions of all its fields, nested ones included. */
	record Sample(String text, byte[] bytes, List<Span> spans) {

		static Sample of(String text) {
			List<Span> spans = new ArrayList<>();
			int end = scanValue(text, 0, spans);
			if (end != text.length()) {
				throw new IllegalStateException("Unexpected text after the message: " + text);
			}
			return new Sample(text, text.getBytes(StandardCharsets.UTF_8), List.copyOf(spans));
		}

		Span randomSpan(Random random) {
			return this.spans.get(random.nextInt(this.spans.size()));
		}

		String replaceValue(Span span, String value) {
			return this.text.substring(0, span.valueStart) + value + this.text.substring(span.valueEnd);
		}

		/** A scanner for valid, compact JSON (what wal2json writes). */
		private static int scanValue(String s, int i, List<Span> spans) {
			char c = s.charAt(i);
			if (c == '{') {
				i++;
				if (s.charAt(i) == '}') {
					return i + 1;
				}
				while (true) {
					int nameStart = i;
					int nameEnd = scanString(s, i);
					String name = s.substring(nameStart + 1, nameEnd - 1);
					expect(s, nameEnd, ':');
					int valueStart = nameEnd + 1;
					i = scanValue(s, valueStart, spans);
					spans.add(new Span(name, nameStart, valueStart, i));
					if (s.charAt(i) == ',') {
						i++;
						continue;
					}
					expect(s, i, '}');
					return i + 1;
				}
			}
			if (c == '[') {
				i++;
				if (s.charAt(i) == ']') {
					return i + 1;
				}
				while (true) {
					i = scanValue(s, i, spans);
					if (s.charAt(i) == ',') {
						i++;
						continue;
					}
					expect(s, i, ']');
					return i + 1;
				}
			}
			if (c == '"') {
				return scanString(s, i);
			}
			while (i < s.length() && ",}]".indexOf(s.charAt(i)) < 0) {
				i++;
			}
			return i;
		}

		private static int scanString(String s, int i) {
			expect(s, i, '"');
			i++;
			while (s.charAt(i) != '"') {
				i += (s.charAt(i) == '\\') ? 2 : 1;
			}
			return i + 1;
		}

		private static void expect(String s, int i, char c) {
			if (s.charAt(i) != c) {
				throw new IllegalStateException("Expected '" + c + "' at " + i + " of " + s);
			}
		}

	}

	private record Generated(List<byte[]> messages, String description) {
	}

	static final class Outcome {

		final String description;

		int succeeded;

		int rejected;

		Throwable failure;

		String preview;

		Outcome(String description) {
			this.description = description;
		}

	}

	/** Checks the framing contract on every call; a violation is an {@link AssertionError}, so a failure. */
	static final class InvariantSink implements DecodeSink {

		private TransactionInfo open;

		@Override
		public void begin(TransactionInfo transaction) {
			if (this.open != null) {
				throw new AssertionError("begin inside an open transaction");
			}
			this.open = transaction;
		}

		@Override
		public void change(WalChange change) {
			if (this.open == null || change.transaction() != this.open) {
				throw new AssertionError("change outside its transaction");
			}
			if (change.schema() == null || change.table() == null || change.kind() == null || change.lsn() == null) {
				throw new AssertionError("incomplete change");
			}
		}

		@Override
		public void commit(TransactionInfo transaction, Lsn endLsn) {
			if (this.open == null || transaction != this.open || endLsn == null) {
				throw new AssertionError("commit without its begin");
			}
			this.open = null;
		}

		@Override
		public void message(Lsn lsn, String prefix, String content) {
			if (lsn == null || prefix == null || content == null) {
				throw new AssertionError("incomplete message");
			}
		}

	}

}
