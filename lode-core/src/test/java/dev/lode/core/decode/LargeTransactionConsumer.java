package dev.lode.core.decode;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.core.replication.ChangeHandler;
import dev.lode.core.replication.ReplicationLoop;
import dev.lode.core.replication.ReplicationObserver;
import dev.lode.core.replication.ReplicationSettings;

/**
 * Run in a forked JVM by {@link LargeTransactionMemoryTest}: streams a slot with {@link ReplicationLoop} until a
 * transaction of at least N changes committed, then prints one line of figures: changes, seconds, the largest
 * heap in use after a GC (the live set) and the sum of the heap pools' peaks (an upper bound of the peak).
 *
 * <pre>java -Xmx128m ... LargeTransactionConsumer URL USER PASSWORD SLOT FORMAT N</pre>
 */
final class LargeTransactionConsumer {

	private LargeTransactionConsumer() {
	}

	public static void main(String[] args) throws Exception {
		ReplicationSettings settings = ReplicationSettings.of(args[0], args[1], args[2])
			.withSlotName(args[3])
			.withCreateSlot(false)
			.withStatusInterval(Duration.ofSeconds(1));
		OutputFormat format = OutputFormat.valueOf(args[4]);
		long wanted = Long.parseLong(args[5]);
		AtomicLong liveAfterGc = watchGc();
		long[] count = { 0, 0 };
		ReplicationLoop[] loop = new ReplicationLoop[1];
		ChangeHandler handler = new ChangeHandler() {

			@Override
			public void begin(TransactionInfo transaction) {
				count[0] = 0;
			}

			@Override
			public void change(WalChange change) {
				count[0]++;
			}

			@Override
			public void commit(TransactionInfo transaction) {
				if (count[0] >= wanted) {
					count[1] = count[0];
					loop[0].stop(0);
				}
			}

		};
		loop[0] = new ReplicationLoop(settings, format.create(List.of(), null, args[3]), handler,
				ReplicationObserver.NONE);
		long start = System.nanoTime();
		try {
			loop[0].run();
		}
		catch (dev.lode.core.replication.ReplicationSetupException ex) {
			System.out.println("FAILED " + ex.getMessage() + " | " + ex.action());
			System.exit(3);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		long peaks = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP) {
				peaks += pool.getPeakUsage().getUsed();
			}
		}
		System.out.println(String.format(Locale.ROOT,
				"RESULT format=%s changes=%d seconds=%.1f maxLiveAfterGcMiB=%.1f sumOfPoolPeaksMiB=%.1f maxHeapMiB=%.0f",
				format, count[1], seconds, liveAfterGc.get() / 1048576.0, peaks / 1048576.0,
				Runtime.getRuntime().maxMemory() / 1048576.0));
	}

	private static AtomicLong watchGc() {
		AtomicLong max = new AtomicLong();
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
				if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
					GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
						.from((CompositeData) notification.getUserData());
					long used = 0;
					for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
						if (!pool.getKey().contains("Metaspace") && !pool.getKey().contains("CodeHeap")
								&& !pool.getKey().contains("Compressed Class")) {
							used += pool.getValue().getUsed();
						}
					}
					max.accumulateAndGet(used, Math::max);
				}
			}, null, null);
		}
		return max;
	}

}
