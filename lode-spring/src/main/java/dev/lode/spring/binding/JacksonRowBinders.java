package dev.lode.spring.binding;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates {@link RowBinder}s backed by Jackson's {@code ObjectMapper.convertValue}: columns
 * {@code snake_case} bind to properties {@code camelCase} (a property with an explicit
 * {@code @JsonProperty} name binds to that column; a column whose name has digits binds as a Java
 * developer names the property: {@code c_int_2d} to {@code cInt2d}, {@code address_line_1} to
 * {@code addressLine1}), columns without a property are ignored (not even converted), a property that
 * no column of a table fills is reported once per table (WARN), and values are converted to the property types (text to numbers, enums
 * case-insensitively, dates and times, as {@code java.time} values or as PostgreSQL's
 * {@code 2024-01-02 03:04:05+00} text, to {@code java.time} types, which needs Jackson's JSR-310
 * module as usual). The mapper is a copy of
 * the given one (the application's, so its modules apply), reconfigured as above; the given mapper is
 * not changed.
 *
 * @since 0.1.0
 */
public final class JacksonRowBinders {

	private static final Logger logger = LoggerFactory.getLogger(JacksonRowBinders.class);

	private final ObjectMapper mapper;

	/**
	 * @param mapper the application's mapper, copied
	 */
	@SuppressWarnings("deprecation") // MapperFeature on an ObjectMapper that may not be a JsonMapper
	public JacksonRowBinders(ObjectMapper mapper) {
		this.mapper = mapper.copy()
			.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
			.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
			.configure(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES, false)
			.configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true);
	}

	/**
	 * @return a mapper with the modules found on the class path, for applications without one
	 */
	public static ObjectMapper defaultMapper() {
		return JsonMapper.builder().findAndAddModules().build();
	}

	/**
	 * @param type the record or POJO type to bind rows to
	 * @return a binder for that type
	 */
	public RowBinder forType(Class<?> type) {
		JavaType javaType = this.mapper.constructType(type);
		Set<String> properties = new HashSet<>();
		Set<String> temporal = new HashSet<>();
		boolean open = introspect(javaType, properties, temporal);
		return new Binder(this.mapper, javaType, open ? null : Set.copyOf(properties), Set.copyOf(temporal),
				loose(properties));
	}

	/**
	 * Property names by their {@link #looseName loose} form, for columns whose snake case Jackson's naming
	 * strategy does not produce ({@code c_int_2d}: Jackson turns {@code cInt2d} into {@code c_int2d}).
	 * Forms that two properties share are left out.
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
	 * Finds the JSON names of the type's properties, and those whose type is a date or time.
	 * @return whether the type takes any column (an any-setter, or it could not be introspected)
	 */
	private boolean introspect(JavaType type, Set<String> properties, Set<String> temporal) {
		try {
			BeanDescription description = this.mapper.getDeserializationConfig().introspect(type);
			for (BeanPropertyDefinition property : description.findProperties()) {
				properties.add(property.getName());
				Class<?> raw = property.getRawPrimaryType();
				if (TemporalAccessor.class.isAssignableFrom(raw) || Date.class.isAssignableFrom(raw)) {
					temporal.add(property.getName());
				}
			}
			return properties.isEmpty() || description.findAnySetterAccessor() != null;
		}
		catch (RuntimeException ex) {
			logger.debug("Could not introspect {}; binding every column", type, ex);
			return true;
		}
	}

	private static final class Binder implements RowBinder {

		private final ObjectMapper mapper;

		private final JavaType type;

		private final @Nullable Set<String> properties;

		private final Set<String> temporal;

		private final Map<String, String> looseProperties;

		/** The property of each column that is not a property's own name ({@code ""}: none). */
		private final Map<String, String> otherColumns = new ConcurrentHashMap<>();

		/** Tables whose columns were compared with the properties already. */
		private final Set<String> checkedTables = ConcurrentHashMap.newKeySet();

		Binder(ObjectMapper mapper, JavaType type, @Nullable Set<String> properties, Set<String> temporal,
				Map<String, String> looseProperties) {
			this.mapper = mapper;
			this.type = type;
			this.properties = properties;
			this.temporal = temporal;
			this.looseProperties = looseProperties;
		}

		@Override
		public Object bind(Map<String, @Nullable Object> row, String table, Set<String> columns) {
			Set<String> names = this.properties;
			if (names != null && this.checkedTables.add(table)) {
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
							+ " with @JsonProperty(\"column_name\"))", table, (missing.size() == 1) ? "y" : "ies",
							missing, this.type.getRawClass().getName(), (missing.size() == 1) ? "it is" : "they are",
							columns.stream().sorted().toList());
				}
			}
			return bind(row);
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

		@Override
		public Object bind(Map<String, @Nullable Object> row) {
			Map<String, @Nullable Object> values = prepare(row);
			try {
				Object result = this.mapper.convertValue(values, this.type);
				if (result == null) {
					throw new RowBindingException("Binding a row to " + this.type.getRawClass().getName()
							+ " gave null");
				}
				return result;
			}
			catch (IllegalArgumentException ex) {
				// Jackson's message may quote the value: keep it out of the exception (and so of logs)
				logger.trace("Binding a row to {} failed", this.type, ex);
				throw new RowBindingException("Cannot bind " + describe(ex) + " of "
						+ this.type.getRawClass().getName() + " (" + rootType(ex) + ")");
			}
		}

		/**
		 * Keeps the columns the type has properties for (so other columns cost nothing and cannot fail),
		 * and passes dates and times as ISO-8601 text, which needs no Jackson module to write.
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

		private static String describe(IllegalArgumentException ex) {
			if (ex.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
				StringBuilder path = new StringBuilder("column '");
				for (JsonMappingException.Reference reference : mapping.getPath()) {
					if (reference.getFieldName() != null) {
						path.append((path.length() > 8) ? "." : "").append(reference.getFieldName());
					}
				}
				return path.append('\'').toString();
			}
			return "a row";
		}

		private static String rootType(Throwable ex) {
			Throwable root = ex;
			while (root.getCause() != null && root.getCause() != root) {
				root = root.getCause();
			}
			return root.getClass().getSimpleName();
		}

	}

}
