package dev.lode.spring.binding;

import java.time.temporal.TemporalAccessor;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
		return new MappedRowBinder(type, open ? null : properties, temporal,
				(values) -> this.mapper.convertValue(values, javaType), JacksonRowBinders::describe);
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

	/** @return what failed to convert, as {@code column 'x'}, from the mapper's exception */
	private static String describe(RuntimeException ex) {
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

}
