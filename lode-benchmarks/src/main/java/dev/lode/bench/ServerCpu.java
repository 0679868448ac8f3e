package dev.lode.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Samples the CPU time of the walsender that serves a slot (every 50 ms, from {@code /proc/<pid>/stat}), so that
 * the report can show the server's decoding cost next to the client's: on a 2-core machine both compete.
 */
final class ServerCpu extends Thread {

	private final Pg pg;

	private final String slot;

	private volatile boolean stopped;

	private volatile double seconds = Double.NaN;

	/** (epoch millis, CPU seconds) of every sample. */
	private final java.util.List<double[]> samples = new java.util.concurrent.CopyOnWriteArrayList<>();

	ServerCpu(Pg pg, String slot) {
		super("server-cpu-" + slot);
		this.pg = pg;
		this.slot = slot;
		setDaemon(true);
	}

	@Override
	public void run() {
		long ticks = clockTicks();
		try (Connection c = this.pg.connect();
				PreparedStatement st = c.prepareStatement("select active_pid from pg_replication_slots where slot_name = ?")) {
			st.setString(1, this.slot);
			while (!this.stopped) {
				try (ResultSet rs = st.executeQuery()) {
					int pid = rs.next() ? rs.getInt(1) : 0;
					if (pid > 0) {
						String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
						String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
						this.seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) ticks;
						this.samples.add(new double[] { System.currentTimeMillis(), this.seconds });
					}
				}
				catch (Exception ex) {
					// the walsender just exited
				}
				Thread.sleep(50);
			}
		}
		catch (Exception ex) {
			// no figure
		}
	}

	/** @return the walsender's CPU seconds at the last sample */
	double finish() throws InterruptedException {
		this.stopped = true;
		join(2000);
		return this.seconds;
	}

	/** @return the walsender's CPU seconds at the last sample */
	double lastCpu() {
		return this.seconds;
	}

	/**
	 * @param epochMillis a moment of the run
	 * @return the walsender's CPU seconds at the last sample at or before it (NaN without one)
	 */
	double cpuAt(long epochMillis) {
		double result = Double.NaN;
		for (double[] sample : this.samples) {
			if (sample[0] <= epochMillis) {
				result = sample[1];
			}
		}
		return result;
	}

	private static long clockTicks() {
		return 100; // USER_HZ on Linux
	}

}
