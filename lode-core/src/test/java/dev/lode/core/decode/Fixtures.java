package dev.lode.core.decode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Real wal2json 2.5 output captured from PostgreSQL 15 with {@code pg_recvlogical} and exactly the options of
 * {@link Wal2JsonV2Decoder#slotOptions()}; see {@code src/test/resources/wal2json/v2/README.md}.
 */
final class Fixtures {

	/** Inserts covering many column types, NULLs and extreme values; session TimeZone UTC. */
	static final String TYPES = "types.jsonl";

	/** TOASTed values, unchanged TOAST on UPDATE, REPLICA IDENTITY FULL; session TimeZone Asia/Kolkata. */
	static final String TOAST = "toast.jsonl";

	/** DELETE, multi-change transaction, logical messages, TRUNCATE; session TimeZone America/St_Johns. */
	static final String MISC = "misc.jsonl";

	/** Domain types, negative zero, NaN / Infinity floats; session TimeZone Europe/Berlin. */
	static final String DOMAINS = "domains.jsonl";

	static final List<String> ALL = List.of(TYPES, TOAST, MISC, DOMAINS);

	private Fixtures() {
	}

	/**
	 * @param name a fixture file name
	 * @return its lines, each one wal2json message
	 */
	static List<String> lines(String name) {
		String text = new String(bytes("wal2json/v2/" + name), StandardCharsets.UTF_8);
		List<String> lines = new ArrayList<>();
		for (String line : text.split("\n")) {
			if (!line.isEmpty()) {
				lines.add(line);
			}
		}
		return lines;
	}

	static byte[] bytes(String resource) {
		try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Missing test resource " + resource);
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
