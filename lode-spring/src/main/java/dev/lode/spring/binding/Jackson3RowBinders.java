package dev.lode.spring.binding;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.temporal.TemporalAccessor;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates {@link RowBinder}s backed by Jackson 3's {@code JsonMapper.convertValue}, with a copy of the
 * application's mapper (Spring Boot 4's {@code JsonMapper} bean: its modules and settings apply; the bean
 * itself is not changed). Columns bind to properties as with {@link JacksonRowBinders} ({@link MappedRowBinder}:
 * {@code order_id} to {@code orderId}, {@code c_int_2d} to {@code cInt2d}, {@code @JsonProperty} names as
 * they are), unknown columns are ignored, enums match case-insensitively; {@code java.time} support is
 * built into Jackson 3. The properties are found on the type itself (record components, setters, fields),
 * and the copy names them as Java does, whatever naming strategy the application's mapper has.
 *
 * @since 0.1.0
 */
public final class Jackson3RowBinders {

	private final JsonMapper mapper;

	/**
	 * @param mapper the application's mapper, copied
	 */
	public Jackson3RowBinders(JsonMapper mapper) {
		this.mapper = mapper.rebuild()
			.propertyNamingStrategy(PropertyNamingStrategies.LOWER_CAMEL_CASE)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
			.enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
			.build();
	}

	/**
	 * @return a mapper with the modules found on the class path, for applications without one
	 */
	public static JsonMapper defaultMapper() {
		return JsonMapper.builder().findAndAddModules().build();
	}

	/**
	 * @param type the record or POJO type to bind rows to
	 * @return a binder for that type
	 */
	public RowBinder forType(Class<?> type) {
		Set<String> properties = new HashSet<>();
		Set<String> temporal = new HashSet<>();
		boolean open = introspect(type, properties, temporal);
		JavaType javaType = this.mapper.constructType(type);
		return new MappedRowBinder(type, open ? null : properties, temporal,
				(values) -> this.mapper.convertValue(values, javaType), Jackson3RowBinders::describe);
	}

	/**
	 * The names Jackson reads the type's properties by: record components, or setters and fields, each
	 * under its {@code @JsonProperty} name where it has one.
	 * @return whether the type takes any column (an any-setter, or no property found)
	 */
	private static boolean introspect(Class<?> type, Set<String> properties, Set<String> temporal) {
		if (type.isRecord()) {
			for (RecordComponent component : type.getRecordComponents()) {
				add(properties, temporal, component.getName(), component.getType(),
						annotated(type, component.getName()));
			}
			return properties.isEmpty();
		}
		for (Method method : type.getMethods()) {
			if (method.isAnnotationPresent(JsonAnySetter.class)) {
				return true;
			}
			if (method.getName().length() > 3 && method.getName().startsWith("set") && method.getParameterCount() == 1
					&& !Modifier.isStatic(method.getModifiers())) {
				String name = Character.toLowerCase(method.getName().charAt(3)) + method.getName().substring(4);
				add(properties, temporal, name, method.getParameterTypes()[0], method.getAnnotation(JsonProperty.class));
			}
		}
		for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
			for (Field field : c.getDeclaredFields()) {
				JsonProperty explicit = field.getAnnotation(JsonProperty.class);
				if (!Modifier.isStatic(field.getModifiers())
						&& (Modifier.isPublic(field.getModifiers()) || explicit != null)) {
					add(properties, temporal, field.getName(), field.getType(), explicit);
				}
			}
		}
		return properties.isEmpty();
	}

	private static @Nullable JsonProperty annotated(Class<?> record, String component) {
		try {
			return record.getDeclaredField(component).getAnnotation(JsonProperty.class);
		}
		catch (NoSuchFieldException ex) {
			return null;
		}
	}

	private static void add(Set<String> properties, Set<String> temporal, String javaName, Class<?> type,
			@Nullable JsonProperty explicit) {
		String name = (explicit != null && !explicit.value().isEmpty()) ? explicit.value() : javaName;
		properties.add(name);
		if (TemporalAccessor.class.isAssignableFrom(type) || Date.class.isAssignableFrom(type)) {
			temporal.add(name);
		}
	}

	/** @return what failed to convert, as {@code column 'x'}, from the mapper's exception */
	private static String describe(RuntimeException ex) {
		JacksonException jackson = (ex instanceof JacksonException direct) ? direct
				: (ex.getCause() instanceof JacksonException cause) ? cause : null;
		if (jackson != null && !jackson.getPath().isEmpty()) {
			StringBuilder path = new StringBuilder("column '");
			for (JacksonException.Reference reference : jackson.getPath()) {
				if (reference.getPropertyName() != null) {
					path.append((path.length() > 8) ? "." : "").append(reference.getPropertyName());
				}
			}
			return path.append('\'').toString();
		}
		return "a row";
	}

}
