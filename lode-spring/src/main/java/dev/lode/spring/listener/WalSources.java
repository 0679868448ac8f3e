package dev.lode.spring.listener;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The names of lode's sources: each source is one database connection and one replication slot with its own
 * container, and a listener receives the changes of one source ({@code @OnWalChange(source = "billing")}). The
 * source configured under {@code lode.*} is {@value #DEFAULT}; a listener that names no source listens to it.
 *
 * @since 0.4.0
 */
public final class WalSources {

	/** The name of the default source (the one configured under {@code lode.*}). */
	public static final String DEFAULT = "default";

	private WalSources() {
	}

	/**
	 * @param declared a source as a listener declares it, empty for the default
	 * @return the source's name
	 */
	public static String of(String declared) {
		String name = declared.strip();
		return name.isEmpty() ? DEFAULT : name;
	}

	/**
	 * @param source a listener's source
	 * @return how a listener's description names it: nothing for the default
	 */
	static String describe(String source) {
		return DEFAULT.equals(source) ? "" : "of source '" + source + "' ";
	}

	/**
	 * @param names the names of the sources besides the default
	 * @return the default's name and these, in order
	 */
	public static Set<String> withDefault(Collection<String> names) {
		Set<String> all = new LinkedHashSet<>();
		all.add(DEFAULT);
		all.addAll(names);
		return all;
	}

}
