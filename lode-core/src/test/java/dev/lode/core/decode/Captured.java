package dev.lode.core.decode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.lode.core.Lsn;

/**
 * Messages captured through a real walsender (see {@code src/test/resources/captured/README.md}): the same
 * workload streamed from three slots, one per format, created before it. Each line is
 * {@code <XLogData LSN> TAB <payload>}, the payload as text (wal2json) or hex (pgoutput).
 */
final class Captured {

	/** Scenario: many types, NULLs, extreme values; session TimeZone UTC. */
	static final String TYPES = "s1";

	/** TOAST, unchanged TOAST, REPLICA IDENTITY FULL; Asia/Kolkata. */
	static final String TOAST = "s2";

	/** DELETE, key change, multi-change transaction, logical messages, TRUNCATE; America/St_Johns. */
	static final String MISC = "s3";

	/** Domains, negative zero, NaN / Infinity floats; Europe/Berlin. */
	static final String DOMAINS = "s4";

	/** More types: time zones, BC, infinity, arrays, enums, uuid key; Europe/Amsterdam. */
	static final String MORE = "s5";

	static final List<String> SCENARIOS = List.of(TYPES, TOAST, MISC, DOMAINS, MORE);

	record Message(Lsn lsn, byte[] payload) {

		ByteBuffer buffer() {
			return ByteBuffer.wrap(this.payload);
		}

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

	}

	private Captured() {
	}

	/**
	 * @param scenario e.g. {@link #TYPES}
	 * @param format {@code wal2json-v1}, {@code wal2json-v2} or {@code pgoutput}
	 * @return the messages in stream order
	 */
	static List<Message> messages(String scenario, String format) {
		String text = new String(Fixtures.bytes("captured/" + scenario + "/" + format + ".tsv"), StandardCharsets.UTF_8);
		List<Message> messages = new ArrayList<>();
		for (String line : text.split("\n")) {
			if (line.isEmpty()) {
				continue;
			}
			int tab = line.indexOf('\t');
			String payload = line.substring(tab + 1);
			byte[] bytes = format.equals("pgoutput") ? HexFormat.of().parseHex(payload)
					: payload.getBytes(StandardCharsets.UTF_8);
			messages.add(new Message(Lsn.parse(line.substring(0, tab)), bytes));
		}
		return messages;
	}

	static WalDecoder decoder(String format) {
		return switch (format) {
			case "wal2json-v1" -> new Wal2JsonV1Decoder();
			case "wal2json-v2" -> new Wal2JsonV2Decoder();
			default -> new PgOutputDecoder("lode_fix");
		};
	}

	static RecordingSink decode(String scenario, String format) throws Exception {
		WalDecoder decoder = decoder(format);
		RecordingSink sink = new RecordingSink();
		for (Message message : messages(scenario, format)) {
			decoder.decode(message.buffer(), message.lsn(), sink);
		}
		return sink;
	}

}
