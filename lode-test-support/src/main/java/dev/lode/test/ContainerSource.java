package dev.lode.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Testcontainers source. Kept in its own class so that {@link TestPostgres} never touches a
 * Testcontainers class unless a Docker engine is plausibly there.
 */
final class ContainerSource {

    static final String IMAGE = "debezium/postgres:15";
    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    private ContainerSource() {
    }

    /** What a started container exposes. */
    record Started(String host, int port, String image) {
    }

    /**
     * Cheap pre-check, so that a machine without Docker does not pay for (or log) Testcontainers'
     * full environment discovery: DOCKER_HOST, a testcontainers.properties file, or a known socket.
     */
    static boolean dockerPlausible(Map<String, String> env) {
        if (notBlank(env.get("DOCKER_HOST")) || notBlank(env.get("TESTCONTAINERS_HOST_OVERRIDE"))) {
            return true;
        }
        String home = System.getProperty("user.home", "");
        List<Path> candidates = new ArrayList<>(List.of(
                Path.of(home, ".testcontainers.properties"),
                Path.of("/var/run/docker.sock"),
                Path.of("/run/docker.sock"),
                Path.of(home, ".docker", "run", "docker.sock"),
                Path.of(home, ".docker", "desktop", "docker.sock"),
                Path.of(home, ".colima", "default", "docker.sock"),
                Path.of(home, ".rd", "docker.sock")));
        if (notBlank(env.get("XDG_RUNTIME_DIR"))) {
            candidates.add(Path.of(env.get("XDG_RUNTIME_DIR"), "docker.sock"));
        }
        return candidates.stream().anyMatch(Files::exists);
    }

    /** {@code DockerClientFactory.instance().isDockerAvailable()}, never throwing. */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) { // NoClassDefFoundError when Testcontainers is absent, or anything from discovery
            return false;
        }
    }

    /** Starts {@value #IMAGE} with logical decoding on; it is stopped at JVM exit. */
    @SuppressWarnings("resource") // stopped by the shutdown hook (and Ryuk)
    static Started start() {
        DockerImageName image = DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("postgres");
        PostgreSQLContainer container = new PostgreSQLContainer(image)
                .withUsername(USER)
                .withPassword(PASSWORD)
                .withDatabaseName("postgres")
                .withCommand("postgres", "-c", "wal_level=logical",
                        "-c", "max_replication_slots=20", "-c", "max_wal_senders=20");
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "lode-test-postgres-container-stop"));
        return new Started(container.getHost(), container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT), IMAGE);
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
