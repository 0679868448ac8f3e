package dev.lode.test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Two throwaway local clusters, a primary and a physical streaming standby of it, for failover tests: kill
 * the primary, promote the standby. Made with the same binaries as {@link PrivateCluster} (so
 * {@code LODE_TEST_PG_ARCHIVE} and {@code LODE_TEST_PG_BIN} choose the version); close it when done.
 *
 * <p>The standby is a cold copy of the primary's data directory, streams through the physical slot
 * {@value #STANDBY_SLOT} with {@code hot_standby_feedback = on}, and on PostgreSQL 17 and later also
 * synchronizes the primary's failover logical slots ({@code sync_replication_slots = on}, with
 * {@code synchronized_standby_slots = 'lode_standby'} on the primary, set once the standby streams).
 *
 * <p>After a failover, {@link #rebuildStandby()} makes the dead old primary's place a standby of the promoted
 * server, on the same port, and swaps the roles: the pair can fail over again, as often as wanted, while clients
 * stay on {@link #multiHostUrl(String)}.
 *
 * <pre>{@code
 * try (ReplicatedClusters pair = ReplicatedClusters.start()) {
 *     pair.executeOnPrimary("postgres", "create table t (id int primary key)");
 *     pair.awaitStandbyReplayed();
 *     pair.killPrimary();
 *     pair.promoteStandby();
 *     String url = pair.multiHostUrl("postgres"); // reaches the promoted standby
 * }
 * }</pre>
 */
public final class ReplicatedClusters implements AutoCloseable {

    /** The physical replication slot on the primary that the standby streams from; also its application_name. */
    public static final String STANDBY_SLOT = "lode_standby";

    private static final long REPLICATION_TIMEOUT_SECONDS = 60;
    private static final long SLOT_SYNC_TIMEOUT_SECONDS = 90;

    /** The current roles, swapped by {@link #rebuildStandby()}; one field so that readers see a consistent pair. */
    private record Roles(LocalCluster primary, LocalCluster standby) {
    }

    private volatile Roles roles;
    /** The ports of {@link #multiHostUrl(String)}, in the order of {@link #start}; the roles may swap, not the ports. */
    private final String hosts;
    private final int majorVersion;

    private ReplicatedClusters(LocalCluster primary, LocalCluster standby, int majorVersion) {
        this.roles = new Roles(primary, standby);
        this.hosts = LocalCluster.HOST + ":" + primary.port() + "," + LocalCluster.HOST + ":" + standby.port();
        this.majorVersion = majorVersion;
    }

    /**
     * Starts a primary (the lines are appended to its postgresql.conf after the test settings, so they win; the
     * standby inherits them) and a standby streaming from it, and waits until it streams.
     *
     * @throws TestPostgresUnavailableException when no local PostgreSQL binaries are found
     * @throws IllegalStateException when the standby does not stream within 60 s
     */
    public static ReplicatedClusters start(String... primaryConfLines) {
        Path binDir = LocalCluster.findBinDir(Map.copyOf(System.getenv()));
        if (binDir == null) {
            throw new TestPostgresUnavailableException("This test needs the PostgreSQL server binaries (initdb, pg_ctl)"
                    + " for a primary and a standby: apt-get install -y postgresql-15 postgresql-15-wal2json, or set "
                    + LocalCluster.BIN_ENV + " or " + LocalCluster.ARCHIVE_ENV);
        }
        int major = LocalCluster.majorVersion(binDir);
        LocalCluster primary = LocalCluster.start(binDir, String.join("\n", primaryConfLines));
        try {
            return new ReplicatedClusters(primary, makeStandby(primary, major, null), major);
        } catch (RuntimeException e) {
            primary.stopAndDelete();
            throw e;
        }
    }

    /**
     * After a failover ({@link #killPrimary()}, {@link #promoteStandby()}), makes a new standby of the promoted
     * server in the dead old primary's place, on the old primary's port (so {@link #multiHostUrl(String)} stays
     * valid), and swaps the roles: from then on "primary" is the promoted server and "standby" the new one, for every
     * method, {@code killPrimary}, {@code promoteStandby} and {@code rebuildStandby} included. As in {@link #start},
     * the new primary gets the slot {@value #STANDBY_SLOT}, stops cleanly ({@code pg_ctl -m fast}: a short outage
     * that clients must survive), is copied cold (its logical slots stay behind: a failover slot is synchronized to
     * the new standby again on PostgreSQL 17+) and starts again; the method returns once the new standby streams
     * and, on 17+, the new primary has {@code synchronized_standby_slots = 'lode_standby'} (set by
     * {@code ALTER SYSTEM} only then: until the standby is back, logical decoding is not held up).
     *
     * @throws IllegalStateException when the primary still runs or the standby is not promoted, or when the new
     *         standby does not stream within 60 s (then the pair is unusable: close it)
     */
    public void rebuildStandby() {
        Roles old = roles;
        if (old.primary().running()) {
            throw new IllegalStateException("rebuildStandby() needs a failover first: the primary still runs"
                    + " (killPrimary(), promoteStandby())");
        }
        if (!"false".equals(query(old.standby(), "postgres", "select pg_is_in_recovery()::text"))) {
            throw new IllegalStateException("rebuildStandby() needs a failover first: the standby is not promoted"
                    + " (promoteStandby())");
        }
        roles = new Roles(old.standby(), makeStandby(old.standby(), majorVersion, old.primary()));
    }

    /** @return the major version of the server binaries (15, 17, ...), 0 when unknown */
    public int majorVersion() {
        return majorVersion;
    }

    /** @return jdbc:postgresql://127.0.0.1:PRIMARY_PORT/database */
    public String primaryUrl(String database) {
        return url(primary(), database);
    }

    /** @return jdbc:postgresql://127.0.0.1:STANDBY_PORT/database */
    public String standbyUrl(String database) {
        return url(standby(), database);
    }

    /**
     * @return jdbc:postgresql://127.0.0.1:PORT1,127.0.0.1:PORT2/database?targetServerType=primary, the ports of
     *         the primary and the standby as {@link #start} made them, which reaches whichever of the two is the
     *         primary; the same URL after any number of {@link #rebuildStandby()}
     */
    public String multiHostUrl(String database) {
        return "jdbc:postgresql://" + hosts + "/" + database + "?targetServerType=primary";
    }

    /** @return the superuser name (the same on both) */
    public String username() {
        return LocalCluster.USER;
    }

    /** @return the superuser password (the same on both) */
    public String password() {
        return LocalCluster.PASSWORD;
    }

    /** A new superuser connection to {@code database} on the primary, in autocommit mode. The caller closes it. */
    public Connection connectPrimary(String database) throws SQLException {
        return connect(primary(), database);
    }

    /** A new superuser connection to {@code database} on the standby, in autocommit mode. The caller closes it. */
    public Connection connectStandby(String database) throws SQLException {
        return connect(standby(), database);
    }

    /** Runs each statement, in order and in autocommit mode, as the superuser on the primary. */
    public void executeOnPrimary(String database, String... statements) {
        execute(primary(), database, statements);
    }

    /** The first column of the first row, or {@code null}, of a query on the primary. */
    public String queryPrimary(String database, String sql) {
        return query(primary(), database, sql);
    }

    /** The first column of the first row, or {@code null}, of a query on the standby. */
    public String queryStandby(String database, String sql) {
        return query(standby(), database, sql);
    }

    /**
     * Waits until the standby has replayed all the WAL the primary had written at the call
     * ({@code pg_last_wal_replay_lsn() >= pg_current_wal_lsn()}).
     *
     * @throws IllegalStateException when it has not within 60 s
     */
    public void awaitStandbyReplayed() {
        String lsn = queryPrimary("postgres", "select pg_current_wal_lsn()");
        await(REPLICATION_TIMEOUT_SECONDS, () -> "the standby replaying the primary's WAL up to " + lsn
                        + " (replayed: " + queryStandby("postgres", "select pg_last_wal_replay_lsn()") + ")",
                () -> "true".equals(queryStandby("postgres",
                        "select (pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn)::text")));
    }

    /**
     * Waits until the standby's slot sync worker has copied the primary's failover logical slot as a synced,
     * persistent slot ({@code synced and not temporary} in the standby's {@code pg_replication_slots}).
     *
     * <p>The worker first creates the slot on the standby as a temporary one, reserving the standby's own
     * {@code restart_lsn} and {@code catalog_xmin}, and persists it only once the primary's slot has moved past
     * both; a slot's {@code catalog_xmin} and {@code restart_lsn} move only when its consumer confirms past an
     * {@code xl_running_xacts} record. So the slot must keep being consumed on the primary, with new transactions,
     * <em>after</em> the standby shows it: a slot that stopped advancing before stays temporary for good. To
     * spare the background writer's 15 s cadence, this method logs a standby snapshot on the primary
     * ({@code pg_log_standby_snapshot()}) every second while it waits. The worker naps up to 30 s when idle.
     *
     * @throws IllegalStateException on PostgreSQL before 17 (no slot synchronization), or when the slot is not
     *         synced within 90 s
     */
    public void awaitSyncedSlot(String slotName) {
        if (majorVersion < 17) {
            throw new IllegalStateException("Slot synchronization to a standby (failover slots) needs PostgreSQL 17 or"
                    + " later; these binaries are PostgreSQL " + majorVersion);
        }
        String sql = "select (synced and not temporary)::text from pg_replication_slots where slot_name = '"
                + slotName.replace("'", "''") + "'";
        await(SLOT_SYNC_TIMEOUT_SECONDS, () -> "slot '" + slotName + "' synced to the standby as a persistent slot (on the"
                        + " standby: " + queryStandby("postgres", "select string_agg(slot_name || ' synced=' || synced"
                        + " || ' temporary=' || temporary, ', ') from pg_replication_slots") + "; on the primary: "
                        + queryPrimary("postgres", "select string_agg(slot_name || ' failover=' || failover"
                        + " || ' confirmed_flush=' || coalesce(confirmed_flush_lsn::text, '-'), ', ')"
                        + " from pg_replication_slots") + "); standby log:\n" + LocalCluster.tail(standby().logFile()),
                new BooleanSupplier() {
                    private long lastSnapshot;

                    @Override
                    public boolean getAsBoolean() {
                        if (System.nanoTime() - lastSnapshot > 1_000_000_000L) {
                            lastSnapshot = System.nanoTime();
                            queryPrimary("postgres", "select pg_log_standby_snapshot()");
                        }
                        return "true".equals(queryStandby("postgres", sql));
                    }
                });
    }

    /** Stops the primary like a crash ({@code pg_ctl -m immediate stop}); its data is kept until {@link #close()}. */
    public void killPrimary() {
        primary().stop("immediate");
    }

    /**
     * Promotes the standby ({@code pg_ctl -w promote}) and waits until it accepts writes
     * ({@code pg_is_in_recovery()} false).
     *
     * @throws IllegalStateException when it still is in recovery after 60 s
     */
    public void promoteStandby() {
        LocalCluster standby = standby();
        standby.promote();
        await(REPLICATION_TIMEOUT_SECONDS, () -> "the promoted standby leaving recovery; standby log:\n"
                        + LocalCluster.tail(standby.logFile()),
                () -> "true".equals(queryStandby("postgres", "select (not pg_is_in_recovery())::text")));
    }

    /** Stops both servers and deletes their directories. */
    @Override
    public void close() {
        Roles r = roles;
        try {
            r.standby().stopAndDelete();
        } finally {
            r.primary().stopAndDelete();
        }
    }

    // ------------------------------------------------------------------------------------------

    private LocalCluster primary() {
        return roles.primary();
    }

    private LocalCluster standby() {
        return roles.standby();
    }

    /**
     * Makes a standby of the running {@code primary}, for {@link #start} and {@link #rebuildStandby()}: the physical
     * slot {@value #STANDBY_SLOT} on the primary (if missing), a clean stop of the primary, a cold copy of its data
     * directory, the primary started again, the copy configured as a standby and started, a wait until it streams,
     * and on 17+ {@code synchronized_standby_slots} on the primary.
     *
     * @param into the dead old primary, whose data directory the copy replaces and whose port the standby takes;
     *        {@code null} for a new cluster on a free port (deleted again when this method fails)
     * @return the standby: {@code into}, or the new cluster
     */
    private static LocalCluster makeStandby(LocalCluster primary, int major, LocalCluster into) {
        execute(primary, "postgres", "select pg_create_physical_replication_slot('" + STANDBY_SLOT + "', true)"
                + " where not exists (select from pg_replication_slots where slot_name = '" + STANDBY_SLOT + "')");
        primary.stop("fast");
        LocalCluster standby;
        if (into == null) {
            standby = primary.copyStopped();
        } else {
            into.replaceDataWithCopyOf(primary);
            standby = into;
        }
        try {
            configureAndStartStandby(primary, major, standby, into == null);
            return standby;
        } catch (RuntimeException e) {
            if (into == null) {
                standby.stopAndDelete();
            }
            throw e;
        }
    }

    private static void configureAndStartStandby(LocalCluster primary, int major, LocalCluster standby,
            boolean onFreePort) {
        primary.startAgain();
        // the copy's own settings: a standby that gets promoted must not wait for a standby that does not exist
        standby.removeSetting("synchronized_standby_slots");
        standby.appendConf("primary_conninfo = 'host=" + LocalCluster.HOST + " port=" + primary.port()
                + " user=" + LocalCluster.USER + " password=" + LocalCluster.PASSWORD
                + " dbname=postgres application_name=" + STANDBY_SLOT + "'\n"
                + "primary_slot_name = '" + STANDBY_SLOT + "'\n"
                + "hot_standby = on\n"
                + "hot_standby_feedback = on"
                + (major >= 17 ? "\nsync_replication_slots = on" : ""));
        standby.writeDataFile("standby.signal", "");
        if (onFreePort) {
            standby.startServer();
        } else {
            standby.startServer(standby.port());
        }
        await(REPLICATION_TIMEOUT_SECONDS, () -> "the standby streaming from the primary (pg_stat_replication of "
                + "the primary shows no '" + STANDBY_SLOT + "' in state 'streaming'); standby log "
                + standby.logFile() + ":\n" + LocalCluster.tail(standby.logFile())
                + "\nprimary log " + primary.logFile() + ":\n" + LocalCluster.tail(primary.logFile()),
                () -> "streaming".equals(query(primary, "postgres",
                        "select state from pg_stat_replication where application_name = '" + STANDBY_SLOT + "'")));
        if (major >= 17) {
            execute(primary, "postgres", "alter system set synchronized_standby_slots = '" + STANDBY_SLOT + "'",
                    "select pg_reload_conf()");
            await(REPLICATION_TIMEOUT_SECONDS, () -> "synchronized_standby_slots = '" + STANDBY_SLOT + "' active on"
                            + " the primary", () -> STANDBY_SLOT.equals(query(primary, "postgres",
                            "show synchronized_standby_slots")));
        }
    }

    private static String url(LocalCluster cluster, String database) {
        return "jdbc:postgresql://" + LocalCluster.HOST + ":" + cluster.port() + "/" + database;
    }

    private static Connection connect(LocalCluster cluster, String database) throws SQLException {
        return DriverManager.getConnection(url(cluster, database), LocalCluster.USER, LocalCluster.PASSWORD);
    }

    private static void execute(LocalCluster cluster, String database, String... statements) {
        try (Connection c = connect(cluster, database); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("On " + url(cluster, database) + ": " + e.getMessage(), e);
        }
    }

    private static String query(LocalCluster cluster, String database, String sql) {
        try (Connection c = connect(cluster, database); PreparedStatement st = c.prepareStatement(sql);
                ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("On " + url(cluster, database) + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Polls every 50 ms; SQL failures while polling count as "not yet" (a server starting up). */
    private static void await(long timeoutSeconds, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        RuntimeException lastError = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
                lastError = null;
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                String description;
                try {
                    description = what.get();
                } catch (RuntimeException e) {
                    description = "(description failed: " + e + ")";
                }
                throw new IllegalStateException("Timed out after " + timeoutSeconds + " s waiting for " + description,
                        lastError);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting", e);
            }
        }
    }
}
