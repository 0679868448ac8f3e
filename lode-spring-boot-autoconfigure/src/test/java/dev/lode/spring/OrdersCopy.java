package dev.lode.spring;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.core.replication.StreamGap;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.event.WalSnapshotCompletedEvent;
import dev.lode.spring.event.WalStreamGapEvent;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Keeps a copy of {@code orders} (id -> status) the way the README tells an application to after a gap: at the
 * gap event every row is marked stale, every row delivered again (by the re-synchronisation's snapshot or the
 * stream) is fresh, and when the re-synchronisation completes the rows still stale (deleted during the gap) go.
 */
@Configuration(proxyBeanMethods = false)
class OrdersCopy {

	/** What the next copy starts with: the copy an application kept across its restart. */
	static final Map<Integer, String> KEPT = new ConcurrentHashMap<>();

	final Map<Integer, String> copy = new ConcurrentHashMap<>(KEPT);

	final Set<Integer> stale = ConcurrentHashMap.newKeySet();

	final List<StreamGap> gaps = new CopyOnWriteArrayList<>();

	final List<String> events = new CopyOnWriteArrayList<>();

	final List<WalChange> changes = new CopyOnWriteArrayList<>();

	@OnWalChange(table = "orders")
	void apply(WalChange change) {
		this.changes.add(change);
		if (change.kind() == ChangeKind.SNAPSHOT && change.snapshot() != null && change.snapshot().isResync()
				&& !this.events.contains("first resync row")) {
			this.events.add("first resync row");
		}
		if (change.kind() == ChangeKind.DELETE) {
			Integer id = (Integer) change.oldValues().get("id");
			this.copy.remove(id);
			this.stale.remove(id);
			return;
		}
		if (change.kind() == ChangeKind.TRUNCATE) {
			this.copy.clear();
			return;
		}
		Integer id = (Integer) change.get("id");
		this.copy.put(id, String.valueOf(change.get("status")));
		this.stale.remove(id);
	}

	@EventListener
	void onGap(WalStreamGapEvent event) {
		this.gaps.add(event.getGap());
		this.events.add("gap " + event.getGap().action());
		this.stale.addAll(this.copy.keySet());
	}

	@EventListener
	void onSnapshotCompleted(WalSnapshotCompletedEvent event) {
		if (event.getSnapshotId().startsWith("resync-") && event.getTable().equals("public.orders")) {
			this.events.add("resync completed");
			this.stale.forEach(this.copy::remove);
			this.stale.clear();
		}
	}

	/** @return the table as it is (id -> status), read over the connection */
	static Map<Integer, String> read(Connection connection) throws SQLException {
		Map<Integer, String> table = new TreeMap<>();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select id, status from orders")) {
			while (rs.next()) {
				table.put(rs.getInt(1), String.valueOf(rs.getString(2)));
			}
		}
		return table;
	}

	/** @return the copy, sorted */
	Map<Integer, String> sorted() {
		return new TreeMap<>(this.copy);
	}

}
