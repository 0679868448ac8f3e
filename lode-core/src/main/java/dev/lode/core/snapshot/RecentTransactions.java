package dev.lode.core.snapshot;

import java.util.HashMap;
import java.util.Map;

/**
 * The last transactions the stream delivered (32-bit xids), a bounded ring: a chunk whose snapshot did not see
 * one of those delivered before its read began is read again (a transaction can be in the WAL before it is visible
 * to new snapshots).
 *
 * @since 0.2.0
 */
final class RecentTransactions {

	private final long[] ring;

	/** Each member's place in the sequence of additions. */
	private final Map<Long, Long> members = new HashMap<>();

	private int next;

	private int size;

	private long added;

	RecentTransactions(int capacity) {
		this.ring = new long[capacity];
	}

	void add(long xid) {
		long x = xid & 0xFFFFFFFFL;
		if (xid < 0 || this.members.containsKey(x)) {
			return;
		}
		if (this.size == this.ring.length) {
			this.members.remove(this.ring[this.next]);
		}
		else {
			this.size++;
		}
		this.members.put(x, this.added++);
		this.ring[this.next] = x;
		this.next = (this.next + 1) % this.ring.length;
	}

	/** @return a mark: {@link #anyMissedBy(ChunkReader.Chunk, long)} asks about the transactions added before it */
	long mark() {
		return this.added;
	}

	/**
	 * @param chunk a chunk
	 * @param before a {@link #mark()} taken when its read began
	 * @return whether the chunk's snapshot missed any transaction added before the mark
	 */
	boolean anyMissedBy(ChunkReader.Chunk chunk, long before) {
		for (Map.Entry<Long, Long> member : this.members.entrySet()) {
			if (member.getValue() < before && chunk.missed(member.getKey())) {
				return true;
			}
		}
		return false;
	}

}
