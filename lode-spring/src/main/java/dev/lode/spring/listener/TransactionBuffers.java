package dev.lode.spring.listener;

import dev.lode.spring.event.CollectedChanges;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import org.jspecify.annotations.Nullable;

/**
 * The changes that transaction-level listeners collected during one transaction, one list per
 * listener, and the number of changes dispatched. Created by the dispatcher when the transaction
 * begins and dropped at its commit, so a transaction abandoned by a failure or reconnect never leaks
 * into the next one. Used on the replication thread only.
 *
 * @since 0.1.0
 */
final class TransactionBuffers implements CollectedChanges {

	private final TransactionInfo transaction;

	private @Nullable Map<Object, List<WalChange>> buffers;

	private int changes;

	TransactionBuffers(TransactionInfo transaction) {
		this.transaction = transaction;
	}

	TransactionInfo transaction() {
		return this.transaction;
	}

	void counted() {
		this.changes++;
	}

	int changes() {
		return this.changes;
	}

	void collect(Object listener, WalChange change) {
		Map<Object, List<WalChange>> map = this.buffers;
		if (map == null) {
			map = new IdentityHashMap<>();
			this.buffers = map;
		}
		map.computeIfAbsent(listener, (key) -> new ArrayList<>()).add(change);
	}

	@Override
	public List<WalChange> collected(Object listener) {
		List<WalChange> list = (this.buffers != null) ? this.buffers.get(listener) : null;
		return (list != null) ? Collections.unmodifiableList(list) : List.of();
	}

}
