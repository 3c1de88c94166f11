package dev.fuseflow.embedded.registry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Finds Apicurio Registry's runner jar: the folder the build unpacked, else the runner archive in
 * the local Maven repository unpacked on first use. {@code fuseflow.apicurio.home} (system
 * property) or {@code FUSEFLOW_APICURIO_HOME} (environment) point to another unpacked copy.
 */
public final class ApicurioDistribution {

    private static final String BUILD_INFO = "/fuseflow-embedded.properties";

    private ApicurioDistribution() {}

    /** The runner jar, unpacking the archive first if nothing unpacked is found. */
    public static Path runnerJar() {
        Properties build = buildInfo();
        String version = build.getProperty("apicurio.version");
        String jarName = "apicurio-registry-app-" + version + "-runner.jar";
        Optional<Path> configured = Optional.ofNullable(System.getProperty("fuseflow.apicurio.home"))
                .or(() -> Optional.ofNullable(System.getenv("FUSEFLOW_APICURIO_HOME")))
                .map(Path::of);
        if (configured.isPresent()) {
            return requireJar(configured.get().resolve(jarName), "fuseflow.apicurio.home / FUSEFLOW_APICURIO_HOME");
        }
        Path unpackedByBuild = Path.of(build.getProperty("apicurio.home")).resolve(jarName);
        if (Files.isRegularFile(unpackedByBuild)) {
            return unpackedByBuild;
        }
        Path archive = localRepository()
                .resolve("io/apicurio/apicurio-registry-app/" + version + "/apicurio-registry-app-" + version
                        + "-all.tar.gz");
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Apicurio Registry " + version + " not found: neither " + unpackedByBuild
                    + " nor " + archive + " exists. Run 'mvn -pl deploy/embedded package' once to fetch it.");
        }
        Path home = Path.of(System.getProperty("java.io.tmpdir"), "fuseflow-apicurio-" + version);
        return requireJar(unpackOnce(archive, home).resolve(jarName), archive.toString());
    }

    private static Path requireJar(Path jar, String origin) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No Apicurio runner jar at " + jar + " (from " + origin + ")");
        }
        return jar;
    }

    private static Properties buildInfo() {
        Properties properties = new Properties();
        try (InputStream in = ApicurioDistribution.class.getResourceAsStream(BUILD_INFO)) {
            if (in == null) {
                throw new IllegalStateException(BUILD_INFO + " is missing from the classpath; rebuild deploy/embedded");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Unpacks into a sibling folder and renames it into place, so a half-unpacked copy is never used. */
    private static synchronized Path unpackOnce(Path archive, Path home) {
        if (Files.isDirectory(home)) {
            return home;
        }
        Path partial = home.resolveSibling(
                home.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive))))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = partial.resolve(entry.getName()).normalize();
                if (!target.startsWith(partial)) {
                    throw new IOException("Archive entry escapes the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (Files.isDirectory(home)) {
                return home;
            }
            throw new UncheckedIOException("Cannot unpack " + archive + " into " + home, e);
        }
        return home;
    }
}
