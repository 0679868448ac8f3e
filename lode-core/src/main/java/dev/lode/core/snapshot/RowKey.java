package dev.lode.core.snapshot;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A row's primary key values, compared by value ({@code byte[]} by content): the same key read by a chunk
 * and decoded from the stream are equal, as both are converted by the same rules.
 *
 * @param values the key values in key order
 * @since 0.2.0
 */
record RowKey(List<@Nullable Object> values) {

	@Override
	public boolean equals(Object other) {
		if (!(other instanceof RowKey that) || that.values.size() != this.values.size()) {
			return false;
		}
		for (int i = 0; i < this.values.size(); i++) {
			Object a = this.values.get(i);
			Object b = that.values.get(i);
			if (a instanceof byte[] x && b instanceof byte[] y) {
				if (!Arrays.equals(x, y)) {
					return false;
				}
			}
			else if (!Objects.equals(a, b)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public int hashCode() {
		int hash = 1;
		for (Object value : this.values) {
			hash = 31 * hash + ((value instanceof byte[] bytes) ? Arrays.hashCode(bytes) : Objects.hashCode(value));
		}
		return hash;
	}

}
