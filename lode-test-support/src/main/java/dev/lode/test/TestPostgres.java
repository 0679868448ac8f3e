package dev.lode.test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server for tests, with {@code wal_level=logical} and the wal2json output plugin,
 * shared by every test of the JVM and started lazily by {@link #get()}.
 *
 * <p>Sources, tried in this order:
 * <ol>
 *   <li>the environment variable {@value #JDBC_URL_ENV} (for example
 *       {@code jdbc:postgresql://localhost:5432/postgres}), with {@value #USERNAME_ENV} and
 *       {@value #PASSWORD_ENV} (both default to {@code postgres}); the role must be a superuser.
 *       When it is set, no other source is tried;</li>
 *   <li>Testcontainers, when a Docker engine answers: image {@code debezium/postgres:15};</li>
 *   <li>a throwaway local cluster made with {@code initdb}/{@code pg_ctl} found on PATH or under
 *       {@code /usr/lib/postgresql/<version>/bin} (highest version; {@code LODE_TEST_PG_BIN}
 *       forces a directory), listening on a free port of 127.0.0.1 with password authentication,
 *       removed at JVM exit. As root, the server runs as the {@code postgres} OS user.</li>
 * </ol>
 *
 * <p>When no source works, or the server lacks logical decoding or wal2json, {@link #get()} throws a
 * {@link TestPostgresUnavailableException} whose message says what to install or set. Tests that
 * need the server therefore <em>fail</em>; they are never skipped. The failure is remembered: later
 * calls rethrow it at once.
 *
 * <p>Every connection is made as a superuser, over TCP, in autocommit mode. Changes are visible to
 * the whole JVM (and, for {@value #JDBC_URL_ENV}, to the server's other users): use
 * {@link #createDatabase(String)} for isolation and undo {@link #setParameter(String, String)}
 * with {@link #resetParameter(String)}.
 *
 * <pre>{@code
 * @WithPostgres
 * class FooTest {
 *     @Test
 *     void x(TestPostgres pg) throws SQLException {
 *         String db = pg.createDatabase("foo");
 *         pg.execute(db, "create table t (id int primary key)");
 *         try (Connection c = pg.connect(db)) { ... }
 *     }
 * }
 * }</pre>
 */
public final class TestPostgres {

    /** JDBC URL of an existing server to use instead of starting one. */
    public static final String JDBC_URL_ENV = "LODE_TEST_JDBC_URL";
    /** Superuser name for {@value #JDBC_URL_ENV}; default {@code postgres}. */
    public static final String USERNAME_ENV = "LODE_TEST_USERNAME";
    /** Password for {@value #JDBC_URL_ENV}; default {@code postgres}. */
    public static final String PASSWORD_ENV = "LODE_TEST_PASSWORD";
    /** The output plugins the server must offer, comma-separated; default {@code wal2json,pgoutput}. */
    public static final String PLUGINS_ENV = "LODE_TEST_PLUGINS";

    private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&]*");
    private static final int DEFAULT_MAJOR = 15;

    private static final Object LOCK = new Object();
    private static TestPostgres shared;
    private static RuntimeException sharedFailure;

    private enum Source { ENV, CONTAINER, LOCAL }

    private final Source source;
    private final String origin;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String adminDatabase;
    private final String urlQuery;
    private final LocalCluster cluster;
    private final AtomicLong databaseCounter = new AtomicLong();
    private volatile String version = "?";
    private volatile int majorVersion;

    private TestPostgres(Source source, String origin, String host, int port, String username, String password,
            String adminDatabase, String urlQuery, LocalCluster cluster) {
        this.source = source;
        this.origin = origin;
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.adminDatabase = adminDatabase;
        this.urlQuery = urlQuery;
        this.cluster = cluster;
    }

    // ------------------------------------------------------------------------------------------
    // Obtaining the server

    /**
     * The server shared by this JVM, started (or connected to) on first use. Thread-safe.
     *
     * @throws TestPostgresUnavailableException when no suitable server can be had; the message says
     *         what to install or set
     */
    public static TestPostgres get() {
        synchronized (LOCK) {
            if (shared != null) {
                return shared;
            }
            if (sharedFailure != null) {
                throw new TestPostgresUnavailableException(sharedFailure.getMessage(), sharedFailure);
            }
            try {
                shared = create(System.getenv());
                return shared;
            } catch (RuntimeException e) {
                sharedFailure = e instanceof TestPostgresUnavailableException
                        ? e
                        : new TestPostgresUnavailableException("No PostgreSQL for lode's tests: " + e, e);
                throw sharedFailure;
            }
        }
    }

    /** A new, unshared instance from the given environment (for testing the fixture itself). */
    static TestPostgres create(Map<String, String> env) {
        long started = System.nanoTime();
        String url = env.get(JDBC_URL_ENV);
        if (url != null && !url.isBlank()) {
            TestPostgres pg = fromJdbcUrl(url.trim(), orDefault(env.get(USERNAME_ENV), "postgres"),
                    orDefault(env.get(PASSWORD_ENV), "postgres"));
            pg.verify();
            logReady(pg, started);
            return pg;
        }

        String dockerStatus;
        if (ContainerSource.dockerPlausible(env) && dockerAvailableQuietly()) {
            try {
                TestPostgres pg = fromContainer();
                pg.verify();
                logReady(pg, started);
                return pg;
            } catch (RuntimeException | LinkageError e) {
                log.warn("Testcontainers PostgreSQL ({}) failed, trying a local cluster: {}", ContainerSource.IMAGE,
                        e.toString());
                dockerStatus = "Docker is there but " + ContainerSource.IMAGE + " failed: " + e;
            }
        } else {
            dockerStatus = "no Docker engine answers";
        }

        Path binDir = LocalCluster.findBinDir(env);
        if (binDir == null) {
            throw new TestPostgresUnavailableException(noSourceMessage(DEFAULT_MAJOR)
                    + " (" + dockerStatus + "; no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin)");
        }
        LocalCluster cluster;
        try {
            cluster = LocalCluster.start(binDir);
        } catch (RuntimeException e) {
            int major = LocalCluster.majorVersion(binDir);
            throw new TestPostgresUnavailableException("Could not start a local PostgreSQL cluster with the binaries in "
                    + binDir + ": " + e.getMessage() + "\n" + noSourceMessage(major > 0 ? major : DEFAULT_MAJOR), e);
        }
        TestPostgres pg = new TestPostgres(Source.LOCAL, "local cluster", LocalCluster.HOST, cluster.port(),
                LocalCluster.USER, LocalCluster.PASSWORD, "postgres", "", cluster);
        try {
            pg.verify();
        } catch (RuntimeException e) {
            cluster.stopAndDelete();
            throw e;
        }
        logReady(pg, started);
        return pg;
    }

    private static String noSourceMessage(int major) {
        return "No PostgreSQL for lode's tests: set " + JDBC_URL_ENV + " (and " + USERNAME_ENV + "/" + PASSWORD_ENV
                + " of a superuser) to a server with wal_level=logical and wal2json, or start Docker, "
                + "or install the server binaries and wal2json: apt-get install -y postgresql-" + major
                + " postgresql-" + major + "-wal2json";
    }

    private static boolean dockerAvailableQuietly() {
        try {
            return ContainerSource.dockerAvailable();
        } catch (LinkageError e) {
            return false;
        }
    }

    private static TestPostgres fromContainer() {
        ContainerSource.Started c = ContainerSource.start();
        return new TestPostgres(Source.CONTAINER, "Testcontainers " + c.image(), c.host(), c.port(),
                ContainerSource.USER, ContainerSource.PASSWORD, "postgres", "", null);
    }

    private static TestPostgres fromJdbcUrl(String url, String user, String password) {
        Properties parsed = url.startsWith("jdbc:postgresql:") ? Driver.parseURL(url, null) : null;
        if (parsed == null) {
            throw new TestPostgresUnavailableException(JDBC_URL_ENV + " is not a PostgreSQL JDBC URL: "
                    + redact(url) + " (expected e.g. jdbc:postgresql://localhost:5432/postgres)");
        }
        String host = parsed.getProperty("PGHOST", "localhost").split(",")[0];
        int port = Integer.parseInt(parsed.getProperty("PGPORT", "5432").split(",")[0]);
        String database = parsed.getProperty("PGDBNAME", "");
        if (database.isEmpty()) {
            database = "postgres";
        }
        int q = url.indexOf('?');
        String query = q >= 0 ? url.substring(q) : "";
        return new TestPostgres(Source.ENV, "server from " + JDBC_URL_ENV, host, port, user, password, database,
                query, null);
    }

    private static void logReady(TestPostgres pg, long startedNanos) {
        log.info("PostgreSQL for tests ready in {} ms: {}", (System.nanoTime() - startedNanos) / 1_000_000,
                pg.describe());
    }

    /**
     * Checks superuser, wal_level and wal2json; records the version. Throws
     * {@link TestPostgresUnavailableException} with the fix in the message.
     */
    private void verify() {
        try (Connection c = connect(adminDatabase); Statement st = c.createStatement()) {
            boolean superuser;
            String walLevel;
            try (ResultSet rs = st.executeQuery("select current_setting('server_version'),"
                    + " current_setting('server_version_num')::int, current_setting('wal_level'),"
                    + " (select rolsuper from pg_roles where rolname = current_user)")) {
                rs.next();
                version = rs.getString(1).split(" ")[0];
                majorVersion = rs.getInt(2) / 10000;
                walLevel = rs.getString(3);
                superuser = rs.getBoolean(4);
            }
            if (!superuser) {
                throw new TestPostgresUnavailableException("Role '" + username + "' is not a superuser on "
                        + describe() + ": lode's tests need one; set " + USERNAME_ENV + "/" + PASSWORD_ENV
                        + " to a superuser (or ALTER ROLE " + username + " SUPERUSER)");
            }
            if (!"logical".equals(walLevel)) {
                throw new TestPostgresUnavailableException("wal_level is '" + walLevel + "' on " + describe()
                        + ": lode's tests need logical decoding; run ALTER SYSTEM SET wal_level = logical"
                        + " and restart the server (or start it with -c wal_level=logical)");
            }
            if (source == Source.CONTAINER) {
                allowWal2json(st);
            }
            for (String plugin : requiredPlugins()) {
                probe(st, plugin);
            }
        } catch (SQLException e) {
            String hint = source == Source.ENV
                    ? "check " + JDBC_URL_ENV + " (" + redact(jdbcUrl(adminDatabase)) + "), " + USERNAME_ENV + " ("
                            + username + ") and " + PASSWORD_ENV
                    : "see " + describe();
            throw new TestPostgresUnavailableException("Cannot use the PostgreSQL for lode's tests: " + e.getMessage()
                    + " — " + hint, e);
        }
    }

    /** Creates and drops a temporary slot with the plugin, turning each known failure into its fix. */
    private void probe(Statement st, String plugin) throws SQLException {
        String slot = "lode_probe_" + randomHex(4);
        try {
            st.execute("select pg_create_logical_replication_slot('" + slot + "', '" + plugin + "', true)");
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if ("42501".equals(e.getSQLState()) && message.contains("output plugin")) {
                throw new TestPostgresUnavailableException("The output plugin " + plugin + " is refused by " + describe()
                        + ": its " + LocalCluster.OUTPUT_PLUGIN_LIBRARIES + " does not list it (PostgreSQL's security"
                        + " releases of August 2026 and later). As a superuser run: ALTER SYSTEM SET "
                        + LocalCluster.OUTPUT_PLUGIN_LIBRARIES + " = " + listLiteral(LocalCluster.ALLOWED_PLUGINS)
                        + "; SELECT pg_reload_conf(); — " + message, e);
            }
            if ("58P01".equals(e.getSQLState()) || message.contains(plugin)) {
                throw new TestPostgresUnavailableException("The " + plugin + " output plugin is not installed on "
                        + describe() + ": apt-get install -y postgresql-" + majorVersion + "-wal2json"
                        + " (or build it from https://github.com/eulerto/wal2json) — " + message, e);
            }
            throw new TestPostgresUnavailableException("Cannot create a logical replication slot on "
                    + describe() + " (check max_replication_slots and wal_level): " + message, e);
        }
        st.execute("select pg_drop_replication_slot('" + slot + "')");
    }

    /**
     * The output plugins the tests of this JVM need: {@value #PLUGINS_ENV} (comma-separated), by default
     * wal2json and pgoutput. The PostgreSQL version matrix runs the pgoutput tests on server builds that
     * have no wal2json.
     */
    static List<String> requiredPlugins() {
        String configured = System.getenv(PLUGINS_ENV);
        if (configured == null || configured.isBlank()) {
            return List.of("wal2json", "pgoutput");
        }
        return Arrays.stream(configured.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
    }

    /**
     * A container of an August 2026 (or later) minor refuses wal2json until it is listed; the container is
     * the fixture's own, so it lists it (a reload is enough). A server without the parameter is left alone.
     */
    private void allowWal2json(Statement st) throws SQLException {
        String current;
        try (ResultSet rs = st.executeQuery("select current_setting('" + LocalCluster.OUTPUT_PLUGIN_LIBRARIES
                + "', true)")) {
            rs.next();
            current = rs.getString(1);
        }
        if (current != null && !current.contains("wal2json")) {
            alterSystem("ALTER SYSTEM SET " + LocalCluster.OUTPUT_PLUGIN_LIBRARIES + " = "
                    + listLiteral(LocalCluster.ALLOWED_PLUGINS));
        }
    }

    /** {@code 'a', 'b'}: a list parameter's elements, each its own literal (one literal would be one element). */
    static String listLiteral(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(e -> "'" + e.strip().replace("'", "''") + "'")
                .collect(Collectors.joining(", "));
    }

    /** The major version of the server (15 for 15.20). */
    public int majorVersion() {
        return majorVersion;
    }

    // ------------------------------------------------------------------------------------------
    // Coordinates

    /** Host name or address to connect to. */
    public String host() {
        return host;
    }

    /** TCP port to connect to. */
    public int port() {
        return port;
    }

    /** Name of the superuser every connection uses. */
    public String username() {
        return username;
    }

    /** Password of {@link #username()}. */
    public String password() {
        return password;
    }

    /**
     * {@code jdbc:postgresql://host:port/database}, keeping the query parameters of
     * {@value #JDBC_URL_ENV} if it had any.
     */
    public String jdbcUrl(String database) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database + urlQuery;
    }

    /** True when the server is the throwaway local cluster (source 3). */
    public boolean isLocalCluster() {
        return source == Source.LOCAL;
    }

    /**
     * Directory of the PostgreSQL binaries ({@code pg_recvlogical}, {@code psql}, ...) of the local
     * cluster; {@code null} for the other sources.
     */
    public Path binDir() {
        return cluster == null ? null : cluster.binDir();
    }

    /**
     * One line for messages, e.g. {@code local cluster PostgreSQL 15.14 at 127.0.0.1:41234 (data dir
     * /tmp/lode-pg-123/data)}. Never contains the password.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(origin).append(" PostgreSQL ").append(version)
                .append(" at ").append(host).append(':').append(port);
        if (cluster != null) {
            sb.append(" (data dir ").append(cluster.dataDir()).append(", log ").append(cluster.logFile()).append(')');
        } else {
            sb.append(" as ").append(username);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "TestPostgres[" + describe() + "]";
    }

    // ------------------------------------------------------------------------------------------
    // Connections and SQL helpers

    /** A new superuser connection to {@code database}, in autocommit mode. The caller closes it. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", username);
        props.setProperty("password", password);
        Connection c = DriverManager.getConnection(jdbcUrl(database), props);
        c.setAutoCommit(true);
        return c;
    }

    /** Runs each statement, in order and in autocommit mode, on a fresh connection to {@code database}. */
    public void execute(String database, String... statements) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on database " + database + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a query on a fresh connection to {@code database} and returns the first column of the
     * first row as a string, or {@code null} when there is no row (or the value is null).
     */
    public String queryForString(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed on database " + database + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a fresh database named {@code <prefix>_<counter>_<random>} (prefix lower-cased, reduced
     * to {@code [a-z0-9_]}) and returns its name. It is not dropped automatically.
     */
    public String createDatabase(String prefix) {
        String p = (prefix == null ? "" : prefix).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (p.isEmpty() || !Character.isLetter(p.charAt(0)) && p.charAt(0) != '_') {
            p = "db_" + p;
        }
        if (p.length() > 40) {
            p = p.substring(0, 40);
        }
        String name = p + "_" + databaseCounter.incrementAndGet() + "_" + randomHex(3);
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connect(adminDatabase); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE \"" + name + "\"");
                return name;
            } catch (SQLException e) {
                // 55006: "source database template1 is being accessed by other users" — transient
                if ("55006".equals(e.getSQLState()) && attempt < 20) {
                    sleep(100);
                    continue;
                }
                throw new IllegalStateException("CREATE DATABASE " + name + " failed: " + e.getMessage(), e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Server parameters

    /**
     * {@code ALTER SYSTEM SET name = 'value'} then {@code pg_reload_conf()}, and waits until new
     * connections see the reloaded configuration. Takes effect at once for {@code sighup}/user
     * parameters (e.g. {@code wal_sender_timeout}); {@code postmaster} parameters need
     * {@link #restart()}. The setting persists for the whole server: undo it with
     * {@link #resetParameter(String)}.
     */
    public void setParameter(String name, String value) {
        String literal = "'" + value.replace("'", "''") + "'";
        alterSystem("ALTER SYSTEM SET " + checkName(name) + " = " + literal);
    }

    /** {@code ALTER SYSTEM RESET name} then {@code pg_reload_conf()}; waits like {@link #setParameter}. */
    public void resetParameter(String name) {
        alterSystem("ALTER SYSTEM RESET " + checkName(name));
    }

    private static String checkName(String name) {
        if (name == null || !PARAMETER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a parameter name: " + name);
        }
        return name;
    }

    private void alterSystem(String sql) {
        String before;
        try (Connection c = connect(adminDatabase); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select pg_conf_load_time()::text")) {
                rs.next();
                before = rs.getString(1);
            }
            st.execute(sql);
            st.execute("select pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + describe() + ": " + e.getMessage(), e);
        }
        // The postmaster reloads asynchronously; backends forked afterwards inherit its new load time.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            String reloaded = queryForString(adminDatabase,
                    "select pg_conf_load_time() > '" + before + "'::timestamptz");
            if ("t".equals(reloaded)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The server did not reload its configuration within 10 s after: "
                        + sql);
            }
            sleep(20);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Local cluster only

    /**
     * Restarts the local cluster ({@code pg_ctl -m fast -w restart}, same port and data). Open
     * connections and replication streams are terminated.
     *
     * @throws UnsupportedOperationException when the server is not the local cluster
     */
    public void restart() {
        if (cluster == null) {
            throw new UnsupportedOperationException("restart() needs the local cluster; this is " + describe());
        }
        long started = System.nanoTime();
        cluster.restart();
        log.info("Restarted {} in {} ms", describe(), (System.nanoTime() - started) / 1_000_000);
    }

    // ------------------------------------------------------------------------------------------

    private static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static String redact(String url) {
        return PASSWORD_IN_URL.matcher(url).replaceAll("$1***");
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
