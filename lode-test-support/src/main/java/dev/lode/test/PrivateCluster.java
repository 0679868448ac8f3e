package dev.lode.test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A second throwaway local cluster with settings of its own, for tests that need a server the
 * shared one cannot be (for example {@code wal_level = replica}). Made with the local PostgreSQL
 * binaries only; close it when done.
 *
 * <pre>{@code
 * try (PrivateCluster replica = PrivateCluster.start("wal_level = replica")) {
 *     String url = replica.jdbcUrl("postgres");
 * }
 * }</pre>
 */
public final class PrivateCluster implements AutoCloseable {

    private final LocalCluster cluster;

    private PrivateCluster(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Starts a cluster; the lines are appended to postgresql.conf after the test settings, so they win.
     *
     * @throws TestPostgresUnavailableException when no local PostgreSQL binaries are found
     */
    public static PrivateCluster start(String... confLines) {
        Path binDir = LocalCluster.findBinDir(Map.copyOf(System.getenv()));
        if (binDir == null) {
            throw new TestPostgresUnavailableException("This test needs the PostgreSQL server binaries (initdb, pg_ctl)"
                    + " for a private cluster: apt-get install -y postgresql-15 postgresql-15-wal2json, or set "
                    + LocalCluster.BIN_ENV);
        }
        return new PrivateCluster(LocalCluster.start(binDir, String.join("\n", confLines)));
    }

    /** @return jdbc:postgresql://127.0.0.1:PORT/database */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + LocalCluster.HOST + ":" + cluster.port() + "/" + database;
    }

    /** @return the superuser name */
    public String username() {
        return LocalCluster.USER;
    }

    /** @return the superuser password */
    public String password() {
        return LocalCluster.PASSWORD;
    }

    /** A new superuser connection to {@code database}, in autocommit mode. The caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), username(), password());
    }

    /** Runs each statement, in order and in autocommit mode, as the superuser on database {@code postgres}. */
    public void execute(String... statements) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /** The first column of the first row, or {@code null}, of a query on database {@code postgres}. */
    public String queryForString(String sql) throws SQLException {
        try (Connection c = connect("postgres"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Waits until new sessions see a parameter's value, after {@code ALTER SYSTEM} and {@code pg_reload_conf()}
     * (the postmaster reloads asynchronously).
     *
     * @throws IllegalStateException when it does not within 10 s
     */
    public void awaitParameter(String name, String value) throws SQLException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String seen;
        while (!value.equals(seen = queryForString("select current_setting('" + name.replace("'", "''") + "')"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " is '" + seen + "', not '" + value + "', 10 s after the reload");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /**
     * For tests of PostgreSQL's {@code output_plugin_libraries} (the security releases of August 2026:
     * 15.19, 16.15, 17.11, 18.6 and later): the server's version, or a failure that says how to get such a
     * server when this one predates the parameter.
     *
     * @throws TestPostgresUnavailableException when the server has no {@code output_plugin_libraries}
     */
    public String requireOutputPluginLibraries() throws SQLException {
        String version = queryForString("select current_setting('server_version')").split(" ")[0];
        if (queryForString("select current_setting('" + LocalCluster.OUTPUT_PLUGIN_LIBRARIES + "', true)") == null) {
            throw new TestPostgresUnavailableException("This test needs a PostgreSQL release with "
                    + LocalCluster.OUTPUT_PLUGIN_LIBRARIES + " (15.19, 16.15, 17.11, 18.6 or later), not " + version
                    + ": apt-get install -y postgresql-15 postgresql-15-wal2json (or set " + LocalCluster.BIN_ENV + ")");
        }
        return version;
    }

    @Override
    public void close() {
        cluster.stopAndDelete();
    }
}
