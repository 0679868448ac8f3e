package dev.lode.core.snapshot;

import java.util.HashSet;
import java.util.Set;

/**
 * The last transactions the stream delivered (32-bit xids), a bounded ring: a chunk whose snapshot did not see
 * one of them is read again (a transaction can be in the WAL before it is visible to new snapshots).
 *
 * @since 0.2.0
 */
final class RecentTransactions {

	private final long[] ring;

	private final Set<Long> members = new HashSet<>();

	private int next;

	private int size;

	RecentTransactions(int capacity) {
		this.ring = new long[capacity];
	}

	void add(long xid) {
		long x = xid & 0xFFFFFFFFL;
		if (xid < 0 || !this.members.add(x)) {
			return;
		}
		if (this.size == this.ring.length) {
			this.members.remove(this.ring[this.next]);
		}
		else {
			this.size++;
		}
		this.ring[this.next] = x;
		this.next = (this.next + 1) % this.ring.length;
	}

	/** @return whether the chunk's snapshot missed any of them */
	boolean anyMissedBy(ChunkReader.Chunk chunk) {
		for (Long xid : this.members) {
			if (chunk.missed(xid)) {
				return true;
			}
		}
		return false;
	}

}
