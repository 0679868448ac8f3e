package dev.lode.spring.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.lode.core.replication.ReplicationSetupException;
import dev.lode.spring.listener.WalSources;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.FieldError;

/**
 * The properties of the sources under {@code lode.sources.<name>}: each takes what {@code lode.*} sets and it does
 * not set itself (as spring-kafka's per-client settings take {@code spring.kafka.*}), except what names the stream:
 * the slot's name (default {@code lode_<name>}), the publication (default {@code lode_<slot>}) and the snapshot's
 * mode and tables (they belong to the default's listeners). Bound the way {@code @ConfigurationProperties} are, so
 * durations, sizes, enums and placeholders are written the same; validated as {@code lode.*} is.
 */
final class SourceProperties {

	private static final String SOURCES = "lode.sources";

	private SourceProperties() {
	}

	/**
	 * @param environment the environment
	 * @return the names of the sources under {@code lode.sources}, the disabled ones included
	 */
	static Set<String> names(Environment environment) {
		return Binder.get(environment)
			.bind(SOURCES, Bindable.mapOf(String.class, LodeProperties.class))
			.orElse(Map.of())
			.keySet();
	}

	/**
	 * @param source a source's name
	 * @return the prefix of its properties
	 */
	static String prefix(String source) {
		return WalSources.DEFAULT.equals(source) ? "lode" : SOURCES + "." + source;
	}

	/**
	 * @param environment the environment
	 * @param name a source's name
	 * @return its properties: {@code lode.*} overridden by {@code lode.sources.<name>.*}
	 * @throws ReplicationSetupException when they are not valid (the message names each property)
	 */
	static LodeProperties of(Environment environment, String name) {
		Binder binder = Binder.get(environment);
		LodeProperties properties = binder.bindOrCreate("lode", Bindable.of(LodeProperties.class));
		properties.getSources().clear();
		// what names the stream is not taken from lode.*
		properties.getSlot().setName(defaultSlotName(name));
		properties.getPgoutput().setPublication(null);
		properties.getSnapshot().setMode(LodeProperties.Snapshot.Mode.NEVER);
		properties.getSnapshot().setTables(new ArrayList<>());
		binder.bind(SOURCES + "." + name, Bindable.ofInstance(properties));
		BeanPropertyBindingResult errors = new BeanPropertyBindingResult(properties, prefix(name));
		properties.validate(properties, errors);
		if (!properties.getSources().isEmpty()) {
			errors.reject("lode.sources", "sources cannot have sources of their own");
		}
		if (errors.hasErrors()) {
			List<String> problems = new ArrayList<>();
			errors.getAllErrors().forEach((error) -> problems.add((error instanceof FieldError field)
					? prefix(name) + "." + field.getField() + ": " + field.getDefaultMessage()
					: prefix(name) + ": " + error.getDefaultMessage()));
			throw new ReplicationSetupException("The properties of lode source '" + name + "' are not valid: "
					+ String.join("; ", problems), "Fix " + String.join(", ", problems.stream()
						.map((problem) -> problem.substring(0, problem.indexOf(':')))
						.distinct()
						.toList()));
		}
		return properties;
	}

	/**
	 * @param name a source's name
	 * @return the slot name of a source that names none: {@code lode_<name>}, lower case, other characters as
	 * {@code _}
	 */
	static String defaultSlotName(String name) {
		String slot = ("lode_" + name.toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9_]", "_");
		return (slot.length() > 63) ? slot.substring(0, 63) : slot;
	}

}
