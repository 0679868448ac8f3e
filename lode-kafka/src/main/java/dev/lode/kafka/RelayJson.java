package dev.lode.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Writes the relay's JSON with jackson-core's streaming generator (which lode-core brings on both Boot lines),
 * so the format does not depend on the application's Jackson 2 or 3 mapper and its settings.
 *
 * <p>Values as lode decodes them: numbers as JSON numbers ({@code numeric} exactly, never in exponent form),
 * {@code NaN} and the infinities of {@code real} / {@code double precision} as strings, booleans, {@code bytea}
 * as base64, arrays as JSON arrays, everything else (text, json, uuid, dates and times in ISO-8601) as strings.
 *
 * @since 0.2.0
 */
final class RelayJson {

	private static final JsonFactory FACTORY = new JsonFactory();

	/** One buffer per sending thread, reset for each document (a change's JSON is written, copied and sent). */
	private static final ThreadLocal<ByteArrayBuilder> BUFFERS = ThreadLocal.withInitial(() -> new ByteArrayBuilder(1024));

	private RelayJson() {
	}

	/** Writes one document into bytes. */
	static byte[] write(Body body) {
		ByteArrayBuilder bytes = BUFFERS.get();
		bytes.reset();
		try (JsonGenerator json = FACTORY.createGenerator(bytes)) {
			body.write(json);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	/** Writes a row as an object, or {@code null} when it has no columns. */
	static void writeRow(JsonGenerator json, String field, Map<String, @Nullable Object> row) throws IOException {
		if (row.isEmpty()) {
			json.writeNullField(field);
			return;
		}
		json.writeObjectFieldStart(field);
		for (Map.Entry<String, @Nullable Object> column : row.entrySet()) {
			json.writeFieldName(column.getKey());
			writeValue(json, column.getValue());
		}
		json.writeEndObject();
	}

	/** Writes the key columns and values as an object. */
	static void writeKey(JsonGenerator json, List<String> columns, List<@Nullable Object> values) throws IOException {
		json.writeStartObject();
		for (int i = 0; i < columns.size(); i++) {
			json.writeFieldName(columns.get(i));
			writeValue(json, values.get(i));
		}
		json.writeEndObject();
	}

	static void writeValue(JsonGenerator json, @Nullable Object value) throws IOException {
		if (value == null) {
			json.writeNull();
		}
		else if (value instanceof String text) {
			json.writeString(text);
		}
		else if (value instanceof Integer number) {
			json.writeNumber(number);
		}
		else if (value instanceof Long number) {
			json.writeNumber(number);
		}
		else if (value instanceof Short number) {
			json.writeNumber(number);
		}
		else if (value instanceof BigDecimal number) {
			json.writeNumber(number.toPlainString());
		}
		else if (value instanceof Double number) {
			if (number.isNaN() || number.isInfinite()) {
				json.writeString(number.toString());
			}
			else {
				json.writeNumber(number);
			}
		}
		else if (value instanceof Float number) {
			if (number.isNaN() || number.isInfinite()) {
				json.writeString(number.toString());
			}
			else {
				json.writeNumber(number);
			}
		}
		else if (value instanceof Boolean bool) {
			json.writeBoolean(bool);
		}
		else if (value instanceof byte[] bytes) {
			json.writeBinary(bytes);
		}
		else if (value instanceof Collection<?> list) {
			json.writeStartArray();
			for (Object element : list) {
				writeValue(json, element);
			}
			json.writeEndArray();
		}
		else {
			json.writeString(value.toString());
		}
	}

	/** Writes a document. */
	@FunctionalInterface
	interface Body {

		void write(JsonGenerator json) throws IOException;

	}

}
