package dev.fuseflow.trainer.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Published model versions on disk: {@code <root>/<model>/v<N>/}, each a Hugging Face folder plus
 * {@code manifest.json} (version, parent, trainer step, samples, offsets covered, eval metrics,
 * and the SHA-256 of every file). A version appears whole or not at all (written beside, fsynced,
 * renamed); its identity for a ModelVersion record is the SHA-256 of its manifest, and
 * {@link #verify} re-hashes every file, so a serving stack can refuse a torn or altered copy.
 */
public final class ModelStore {

    public static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** What a version's manifest says. {@code files} maps relative paths to SHA-256 hex. */
    public record Manifest(String model, long version, Long parentVersion, long trainerStep, long samplesTrained,
                           Map<String, Long> offsets, Map<String, Double> metrics, Map<String, String> files) {
    }

    /** A stored version: its folder, manifest, and the manifest's own SHA-256. */
    public record Stored(Path folder, Manifest manifest, String manifestSha256) {
    }

    private final Path root;

    public ModelStore(Path root) {
        this.root = root;
    }

    /**
     * Publishes a version: {@code model} writes the Hugging Face folder straight into the version's
     * (temporary) folder, then every file is hashed into the manifest. The manifest's {@code files}
     * field is computed here and need not be filled in.
     */
    public Stored publish(CheckpointStore.Contents model, Manifest manifest) throws IOException {
        Path target = root.resolve(manifest.model()).resolve("v" + manifest.version());
        if (Files.exists(target)) {
            throw new IllegalStateException(target + " exists: version " + manifest.version() + " of " + manifest.model()
                    + " was published already");
        }
        CheckpointStore.writeAtomically(target, folder -> {
            model.writeTo(folder);
            Map<String, String> files = new TreeMap<>();
            try (Stream<Path> paths = Files.list(folder)) {
                for (Path file : paths.filter(Files::isRegularFile).sorted().toList()) {
                    files.put(file.getFileName().toString(), sha256(file));
                }
            }
            Manifest complete = new Manifest(manifest.model(), manifest.version(), manifest.parentVersion(), manifest.trainerStep(),
                    manifest.samplesTrained(), new TreeMap<>(manifest.offsets()), new TreeMap<>(manifest.metrics()), files);
            JSON.writeValue(folder.resolve(MANIFEST).toFile(), complete);
        });
        return read(target);
    }

    /** Versions of a model, oldest first. */
    public List<Stored> versions(String model) throws IOException {
        Path dir = root.resolve(model);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> folders = entries
                    .filter(p -> p.getFileName().toString().matches("v\\d+") && Files.isRegularFile(p.resolve(MANIFEST)))
                    .sorted(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(1)))).toList();
            List<Stored> stored = new ArrayList<>();
            for (Path folder : folders) {
                stored.add(read(folder));
            }
            return stored;
        }
    }

    public Optional<Stored> latest(String model) throws IOException {
        List<Stored> all = versions(model);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Re-hashes every file of a stored version; returns the files that differ from the manifest (empty: intact). */
    public static List<String> verify(Stored stored) throws IOException {
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, String> e : stored.manifest().files().entrySet()) {
            Path file = stored.folder().resolve(e.getKey());
            if (!Files.isRegularFile(file) || !sha256(file).equals(e.getValue())) {
                bad.add(e.getKey());
            }
        }
        return bad;
    }

    private static Stored read(Path folder) throws IOException {
        Path manifest = folder.resolve(MANIFEST);
        return new Stored(folder, JSON.readValue(manifest.toFile(), Manifest.class), sha256(manifest));
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
            MessageDigest md = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(md.digest());
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
