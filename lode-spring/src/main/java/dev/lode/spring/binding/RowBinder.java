package dev.lode.spring.binding;

import java.util.Map;
import java.util.Set;

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
	 * Binds a whole new row of a table, whose columns are all known: a binder may report (once) the
	 * properties of its type that no column of the table fills, which would otherwise stay silently
	 * empty.
	 * @param row column values by column name
	 * @param table the row's table, {@code schema.table}
	 * @param columns every column of the table
	 * @return the bound object
	 * @throws RowBindingException when a value cannot be converted to its property's type
	 * @since 0.1.0
	 */
	default Object bind(Map<String, @Nullable Object> row, String table, Set<String> columns) {
		return bind(row);
	}

}
