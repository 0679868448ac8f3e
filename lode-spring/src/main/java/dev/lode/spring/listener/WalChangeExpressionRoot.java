package dev.lode.spring.listener;

import java.util.Map;
import java.util.Set;

import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * The root object of a listener's {@code condition}: {@code changed('status')},
 * {@code changedColumns().size() > 1}, {@code row['status'] == 'paid'} (or {@code row.status}),
 * {@code old['status']}, {@code change.table()}. The same values are available as the variables
 * {@code #change}, {@code #row} and {@code #old}.
 *
 * @since 0.1.0
 * @see ChangedColumns
 */
public final class WalChangeExpressionRoot {

	private final WalChange change;

	private @Nullable Set<String> changedColumns;

	/**
	 * @param change the change the condition is evaluated for
	 */
	public WalChangeExpressionRoot(WalChange change) {
		this.change = change;
	}

	/** @return the change */
	public WalChange getChange() {
		return this.change;
	}

	/** @return the new row's values by column name (empty for DELETE and TRUNCATE) */
	public Map<String, @Nullable Object> getRow() {
		return this.change.values();
	}

	/** @return the old row's key or full values by column name (empty for INSERT) */
	public Map<String, @Nullable Object> getOld() {
		return this.change.oldValues();
	}

	/**
	 * @param column a column name
	 * @return whether the change is known to have changed the column (see {@link ChangedColumns})
	 */
	public boolean changed(String column) {
		return ChangedColumns.isChanged(this.change, column);
	}

	/** @return the columns the change is known to have changed (see {@link ChangedColumns}) */
	public Set<String> changedColumns() {
		Set<String> result = this.changedColumns;
		if (result == null) {
			result = ChangedColumns.of(this.change);
			this.changedColumns = result;
		}
		return result;
	}

}
