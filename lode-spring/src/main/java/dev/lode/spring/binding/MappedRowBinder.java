package dev.lode.spring.binding;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A row binder around a mapper's conversion, the same for Jackson 2 and Jackson 3: finds
 * the property each column fills (its own name, or as a Java developer names the property of a column
 * with digits: {@code c_int_2d} fills {@code cInt2d}, which a snake-case strategy calls {@code c_int2d}),
 * leaves out the columns no property wants (so they cost nothing and cannot fail), passes dates and times
 * as ISO-8601 text with seconds, and reports once per table the properties that no column fills.
 *
 * @since 0.1.0
 */
final class MappedRowBinder implements RowBinder {

	private static final Logger logger = LoggerFactory.getLogger(MappedRowBinder.class);

	private final Class<?> type;

	private final Function<Map<String, @Nullable Object>, @Nullable Object> convert;

	private final Function<RuntimeException, String> describe;

	private final @Nullable Set<String> properties;

	private final Set<String> temporal;

	private final Map<String, String> looseProperties;

	/** The property of each column that is not a property's own name ({@code ""}: none). */
	private final Map<String, String> otherColumns = new ConcurrentHashMap<>();

	/** Tables (by schema) whose columns were compared with the properties already. */
	private final Map<String, Set<String>> checkedTables = new ConcurrentHashMap<>();

	/**
	 * @param type the bound type, for messages
	 * @param properties the properties' names as the mapper reads them, or {@code null} when the type takes
	 * any column (an any-setter, or it could not be introspected)
	 * @param temporal the properties whose type is a date or time
	 * @param convert the mapper's conversion of the prepared values (by property) to the type
	 * @param describe names what failed to convert ({@code column 'x'}), from the mapper's exception
	 */
	MappedRowBinder(Class<?> type, @Nullable Set<String> properties, Set<String> temporal,
			Function<Map<String, @Nullable Object>, @Nullable Object> convert, Function<RuntimeException, String> describe) {
		this.type = type;
		this.convert = convert;
		this.describe = describe;
		this.properties = (properties != null) ? Set.copyOf(properties) : null;
		this.temporal = Set.copyOf(temporal);
		this.looseProperties = (properties != null) ? loose(properties) : Map.of();
	}

	/**
	 * Property names by their {@link #looseName loose} form. Forms that two properties share are left out.
	 */
	private static Map<String, String> loose(Set<String> properties) {
		Map<String, String> byLooseName = new HashMap<>();
		Set<String> ambiguous = new HashSet<>();
		for (String property : properties) {
			String key = looseName(property);
			if (byLooseName.putIfAbsent(key, property) != null) {
				ambiguous.add(key);
			}
		}
		ambiguous.forEach(byLooseName::remove);
		return Map.copyOf(byLooseName);
	}

	/** {@code c_int_2d}, {@code c_int2d} and {@code cInt2d} alike: lower case without underscores. */
	static String looseName(String name) {
		StringBuilder sb = new StringBuilder(name.length());
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c != '_') {
				sb.append(Character.toLowerCase(c));
			}
		}
		return sb.toString();
	}

	/**
	 * Binds a change's new row, and reports (once per table) the properties that no column of the table
	 * fills; the check costs two map lookups per row once done.
	 */
	@Override
	public Object bind(Map<String, @Nullable Object> row, WalChange change) {
		if (this.properties != null && firstRowOf(change)) {
			Set<String> columns = new HashSet<>(row.keySet());
			columns.addAll(change.unchangedColumns());
			check(change.qualifiedTable(), columns);
		}
		return bind(row);
	}

	private boolean firstRowOf(WalChange change) {
		Set<String> tables = this.checkedTables.get(change.schema());
		if (tables == null) {
			tables = this.checkedTables.computeIfAbsent(change.schema(), (schema) -> ConcurrentHashMap.newKeySet());
		}
		return !tables.contains(change.table()) && tables.add(change.table());
	}

	private void check(String table, Set<String> columns) {
		Set<String> names = this.properties;
		if (names == null) {
			return;
		}
		Set<String> filled = new HashSet<>();
		for (String column : columns) {
			String property = property(column);
			if (property != null) {
				filled.add(property);
			}
		}
		List<String> missing = names.stream().filter((name) -> !filled.contains(name)).sorted().toList();
		if (!missing.isEmpty()) {
			logger.warn("No column of table {} fills the propert{} {} of {}: {} always null or the default"
					+ " (columns: {}; name the property after its column in camel case, or annotate it"
					+ " with @JsonProperty(\"column_name\"))", table, (missing.size() == 1) ? "y" : "ies", missing,
					this.type.getName(), (missing.size() == 1) ? "it is" : "they are", columns.stream().sorted().toList());
		}
	}

	/** The property a column fills: its own name, or the loose match; {@code null} for none. */
	private @Nullable String property(String column) {
		Set<String> names = this.properties;
		if (names == null || names.contains(column)) {
			return column;
		}
		String property = this.otherColumns.get(column);
		if (property == null) {
			// once per column name: no allocation per row for columns without a property
			property = this.looseProperties.getOrDefault(looseName(column), "");
			this.otherColumns.put(column, property);
		}
		return property.isEmpty() ? null : property;
	}

	/**
	 * @param row a row's values by column
	 * @return the values the mapper converts, by property name
	 */
	private Map<String, @Nullable Object> prepare(Map<String, @Nullable Object> row) {
		Map<String, @Nullable Object> values = new HashMap<>();
		for (Map.Entry<String, @Nullable Object> column : row.entrySet()) {
			String name = property(column.getKey());
			if (name == null || (!name.equals(column.getKey()) && row.containsKey(name))) {
				continue; // no property, or the property's own column is there too
			}
			Object value = column.getValue();
			if (value instanceof TemporalAccessor temporal) {
				value = iso(temporal);
			}
			else if (value instanceof String text && this.temporal.contains(name)) {
				value = PostgresTimestamps.toIso(text);
			}
			values.put(name, value);
		}
		return values;
	}

	/**
	 * Binds a row: prepares it, lets the mapper convert it, and turns a failed conversion into a
	 * {@link RowBindingException} that names the column, never the value (Jackson's message may quote it,
	 * so it stays out of the exception and of the logs).
	 * @param row a row's values by column
	 * @return the bound object
	 */
	@Override
	public Object bind(Map<String, @Nullable Object> row) {
		Map<String, @Nullable Object> values = prepare(row);
		Object result;
		try {
			result = this.convert.apply(values);
		}
		catch (RuntimeException ex) {
			logger.trace("Binding a row to {} failed", this.type, ex);
			throw new RowBindingException("Cannot bind " + this.describe.apply(ex) + " of " + this.type.getName() + " ("
					+ RowBindingException.rootType(ex) + ")");
		}
		if (result == null) {
			throw new RowBindingException("Binding a row to " + this.type.getName() + " gave null");
		}
		return result;
	}

	/**
	 * ISO-8601 text that every {@code java.time} deserializer parses: always with seconds
	 * ({@code toString()} leaves {@code :00} out, which {@code Instant}'s ISO_INSTANT parsing rejects).
	 */
	static String iso(TemporalAccessor value) {
		if (value instanceof OffsetDateTime dateTime) {
			return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(dateTime);
		}
		if (value instanceof LocalDateTime dateTime) {
			return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(dateTime);
		}
		if (value instanceof OffsetTime time) {
			return DateTimeFormatter.ISO_OFFSET_TIME.format(time);
		}
		if (value instanceof LocalTime time) {
			return DateTimeFormatter.ISO_LOCAL_TIME.format(time);
		}
		return value.toString();
	}

}
