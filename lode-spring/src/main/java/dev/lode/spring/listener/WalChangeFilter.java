package dev.lode.spring.listener;

import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;

/**
 * Which changes a listener wants: schema, tables and kinds from its {@link OnWalChange} or
 * {@link OnWalTransaction}.
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
		return of(annotation.schema(), annotation.table(), annotation.kind());
	}

	/**
	 * @param annotation the listener's annotation
	 * @return the filter it describes
	 */
	public static WalChangeFilter of(OnWalTransaction annotation) {
		return of(annotation.schema(), annotation.table(), annotation.kind());
	}

	private static WalChangeFilter of(String schema, String[] tables, ChangeKind[] kinds) {
		Set<ChangeKind> kindSet = (kinds.length == 0) ? EnumSet.allOf(ChangeKind.class)
				: EnumSet.copyOf(Arrays.asList(kinds));
		return new WalChangeFilter(schema, Set.copyOf(Arrays.asList(tables)), kindSet);
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
