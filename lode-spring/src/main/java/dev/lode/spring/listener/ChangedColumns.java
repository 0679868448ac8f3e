package dev.lode.spring.listener;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * Which columns of a row a change is known to have changed:
 * <ul>
 * <li>INSERT: every column of the new row;
 * <li>UPDATE: every column present in both the new values and the old values whose value differs.
 * PostgreSQL sends old values only for the replica identity: with the default replica identity these
 * are the primary key columns, so a change of any other column is <em>not known</em> and not reported;
 * with {@code REPLICA IDENTITY FULL} every column is compared. An unchanged TOASTed column (absent
 * from the new values) never counts as changed;
 * <li>DELETE: every column of the old values;
 * <li>TRUNCATE: none.
 * </ul>
 * Numbers compare by value ({@code 1.50} equals {@code 1.5}), arrays by content.
 *
 * @since 0.1.0
 */
public final class ChangedColumns {

	private ChangedColumns() {
	}

	/**
	 * @param change a change
	 * @return the columns it is known to have changed, in column order (unmodifiable)
	 */
	public static Set<String> of(WalChange change) {
		return switch (change.kind()) {
			case INSERT, SNAPSHOT -> Collections.unmodifiableSet(change.values().keySet());
			case DELETE -> Collections.unmodifiableSet(change.oldValues().keySet());
			case TRUNCATE -> Set.of();
			case UPDATE -> updated(change);
		};
	}

	/**
	 * @param change a change
	 * @param column a column name
	 * @return whether the change is known to have changed the column
	 */
	public static boolean isChanged(WalChange change, String column) {
		return switch (change.kind()) {
			case INSERT, SNAPSHOT -> change.values().containsKey(column);
			case DELETE -> change.oldValues().containsKey(column);
			case TRUNCATE -> false;
			case UPDATE -> change.values().containsKey(column) && change.oldValues().containsKey(column)
					&& !same(change.values().get(column), change.oldValues().get(column));
		};
	}

	private static Set<String> updated(WalChange change) {
		Map<String, @Nullable Object> old = change.oldValues();
		if (old.isEmpty()) {
			return Set.of();
		}
		Set<String> changed = new LinkedHashSet<>();
		change.values().forEach((column, value) -> {
			if (old.containsKey(column) && !same(value, old.get(column))) {
				changed.add(column);
			}
		});
		return Collections.unmodifiableSet(changed);
	}

	private static boolean same(@Nullable Object a, @Nullable Object b) {
		if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
			return x.compareTo(y) == 0;
		}
		return Objects.deepEquals(a, b); // bytea arrives as byte[]
	}

}
