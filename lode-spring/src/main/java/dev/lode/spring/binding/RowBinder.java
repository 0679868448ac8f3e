package dev.lode.spring.binding;

import java.util.Map;

import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * Binds the column values of one row to an object of one target type.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RowBinder {

	/**
	 * @param row column values by column name
	 * @return the bound object
	 * @throws RowBindingException when a value cannot be converted to its property's type
	 */
	Object bind(Map<String, @Nullable Object> row);

	/**
	 * Binds the new row of a change, which names every column of its table (with its
	 * {@link WalChange#unchangedColumns()}): a binder may report (once per table) the properties of its type
	 * that no column fills, which would otherwise stay silently empty.
	 * @param row column values by column name (the change's new values, with old values for unchanged ones)
	 * @param change the change the row comes from
	 * @return the bound object
	 * @throws RowBindingException when a value cannot be converted to its property's type
	 * @since 0.1.0
	 */
	default Object bind(Map<String, @Nullable Object> row, WalChange change) {
		return bind(row);
	}

}
