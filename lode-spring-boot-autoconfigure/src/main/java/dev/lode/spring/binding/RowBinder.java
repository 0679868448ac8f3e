package dev.lode.spring.binding;

import java.util.Map;

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

}
