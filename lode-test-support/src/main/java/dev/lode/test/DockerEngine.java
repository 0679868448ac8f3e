package dev.lode.test;

/**
 * Whether a Docker engine answers here, for fixtures of other components (a Kafka broker) that use Testcontainers
 * when they can: the same cheap pre-check as {@link TestPostgres} (DOCKER_HOST, a testcontainers.properties file or
 * a known socket) before Testcontainers' own discovery, so a machine without Docker neither waits nor logs for it.
 */
public final class DockerEngine {

    private DockerEngine() {
    }

    /** @return {@code true} when Testcontainers is on the classpath and a Docker engine answers it */
    public static boolean answers() {
        return ContainerSource.dockerPlausible(System.getenv()) && ContainerSource.dockerAvailable();
    }

}
