package dev.lode.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lode.core.WalChange;

/**
 * Collects the changes a listener received.
 */
class Recorder {

	private final List<WalChange> changes = new CopyOnWriteArrayList<>();

	void add(WalChange change) {
		this.changes.add(change);
	}

	List<WalChange> changes() {
		return List.copyOf(this.changes);
	}

	int size() {
		return this.changes.size();
	}

	/** @return the {@code id} column of each change, in order */
	List<Object> ids() {
		return this.changes.stream().map((change) -> change.get("id")).toList();
	}

}
