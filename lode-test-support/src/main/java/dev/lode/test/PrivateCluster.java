package dev.lode.test;

import java.nio.file.Path;
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

    @Override
    public void close() {
        cluster.stopAndDelete();
    }
}
