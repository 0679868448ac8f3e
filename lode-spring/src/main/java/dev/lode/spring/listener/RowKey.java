package dev.lode.spring.listener;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * Which row a change concerns, for ordering: table and primary key values (compared by content, {@code bytea}
 * too), or the table alone when it has no key or the ordering is by table. Its hash picks the change's lane,
 * and asynchronous changes of one row wait for each other by it.
 *
 * @param schema the schema
 * @param table the table
 * @param key the key values; empty for the whole table
 * @since 0.2.0
 */
record RowKey(String schema, String table, List<@Nullable Object> key) {

	/**
	 * @param change a change
	 * @param ordering what keeps its order
	 * @return the row of the change (of its new row; of the old row for a DELETE)
	 */
	static RowKey of(WalChange change, ListenerOrdering ordering) {
		return of(change, (ordering == ListenerOrdering.ROW) ? change.key() : List.of());
	}

	/**
	 * @param change an UPDATE that changed the key
	 * @return the row it was before, or {@code null} when the key did not change
	 */
	static @Nullable RowKey before(WalChange change) {
		List<@Nullable Object> old = change.oldKey();
		return old.isEmpty() ? null : of(change, old);
	}

	private static RowKey of(WalChange change, List<@Nullable Object> key) {
		List<@Nullable Object> values = key;
		for (Object value : key) {
			if (value instanceof byte[]) {
				values = new ArrayList<>(key.size());
				for (Object each : key) {
					values.add((each instanceof byte[] bytes) ? ByteBuffer.wrap(bytes) : each);
				}
				break;
			}
		}
		return new RowKey(change.schema(), change.table(), values);
	}

}
