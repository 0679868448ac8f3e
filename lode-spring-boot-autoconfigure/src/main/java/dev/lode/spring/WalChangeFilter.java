package dev.lode.spring;

import java.util.EnumSet;
import java.util.Set;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;

/**
 * Which changes a listener wants: schema, tables and kinds from its {@link OnWalChange}.
 *
 * @param schema the schema, empty for any
 * @param tables the tables, empty for all
 * @param kinds the kinds, never empty
 * @since 0.1.0
 */
public record WalChangeFilter(String schema, Set<String> tables, Set<ChangeKind> kinds) {

	/**
	 * @param annotation the listener's annotation
	 * @return the filter it describes
	 */
	public static WalChangeFilter of(OnWalChange annotation) {
		Set<ChangeKind> kinds = (annotation.kind().length == 0) ? EnumSet.allOf(ChangeKind.class)
				: EnumSet.copyOf(Set.of(annotation.kind()));
		return new WalChangeFilter(annotation.schema(), Set.of(annotation.table()), kinds);
	}

	/**
	 * @param change a change
	 * @return whether the listener wants it
	 */
	public boolean matches(WalChange change) {
		return this.kinds.contains(change.kind()) && (this.tables.isEmpty() || this.tables.contains(change.table()))
				&& (this.schema.isEmpty() || this.schema.equals(change.schema()));
	}

}
