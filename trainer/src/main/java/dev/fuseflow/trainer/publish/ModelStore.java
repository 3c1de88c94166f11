package dev.fuseflow.trainer.publish;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.checkpoint.PartitionKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;

/**
 * Published model versions on disk: {@code <root>/<model>/v<N>/}, each a Hugging Face folder plus
 * {@code manifest.json} (version, parent, trainer step, samples, offsets covered, eval metrics,
 * and the SHA-256 of every file). A version appears whole or not at all (written beside, fsynced,
 * renamed); its identity for a ModelVersion record is the SHA-256 of its manifest, and
 * {@link #verify} re-hashes every file, so a serving stack can refuse a torn or altered copy.
 */
public final class ModelStore {

    public static final String MANIFEST = "manifest.json";
    private static final String REJECTED = "rejected";
    private static final String CURRENT = "CURRENT";
    private static final String ROLLED_BACK_SUFFIX = ".rolled-back";
    private static final Comparator<TopicPartition> BY_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);
    /** Partitions are written as {@code topic-partition} keys, the form of Kafka's own {@code TopicPartition.toString()}. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .registerModule(new SimpleModule("partition-keys")
                    .addKeySerializer(TopicPartition.class, new JsonSerializer<TopicPartition>() {
                        @Override
                        public void serialize(TopicPartition partition, JsonGenerator json, SerializerProvider provider)
                                throws IOException {
                            json.writeFieldName(PartitionKeys.of(partition));
                        }
                    })
                    .addKeyDeserializer(TopicPartition.class, new KeyDeserializer() {
                        @Override
                        public Object deserializeKey(String key, DeserializationContext context) {
                            return PartitionKeys.parse(key);
                        }
                    }));

    /**
     * What a version's manifest says. {@code offsets} are the next offsets the version covers, per
     * partition; {@code files} maps relative paths to SHA-256 hex; {@code provenance} is
     * {@link Provenance#UNKNOWN} in manifests written before it was recorded.
     */
    // Nine components: the manifest file's fields, one each, as Jackson reads and writes them.
    @SuppressWarnings("checkstyle:RecordComponentNumber")
    public record Manifest(
            String model,
            long version,
            Long parentVersion,
            long trainerStep,
            long samplesTrained,
            Map<TopicPartition, Long> offsets,
            Map<String, Double> metrics,
            Map<String, String> files,
            Provenance provenance) {

        public Manifest {
            SortedMap<TopicPartition, Long> sorted = new TreeMap<>(BY_PARTITION);
            sorted.putAll(offsets);
            offsets = Collections.unmodifiableSortedMap(sorted);
            provenance = provenance == null ? Provenance.UNKNOWN : provenance;
        }

        /** A manifest whose provenance is unknown. */
        public Manifest(
                String model,
                long version,
                Long parentVersion,
                long trainerStep,
                long samplesTrained,
                Map<TopicPartition, Long> offsets,
                Map<String, Double> metrics,
                Map<String, String> files) {
            this(model, version, parentVersion, trainerStep, samplesTrained, offsets, metrics, files, null);
        }
    }

    /** A stored version: its folder, manifest, and the manifest's own SHA-256. */
    public record Stored(Path folder, Manifest manifest, String manifestSha256) {}

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
            throw new IllegalStateException(target + " exists: version " + manifest.version() + " of "
                    + manifest.model() + " was published already");
        }
        CheckpointStore.writeAtomically(target, folder -> {
            model.writeTo(folder);
            Map<String, String> files = new TreeMap<>();
            // Every file, those of sub-folders (a LoRA version's merged model) by their relative path.
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path file : paths.filter(Files::isRegularFile).sorted().toList()) {
                    files.put(folder.relativize(file).toString().replace('\\', '/'), sha256(file));
                }
            }
            Manifest complete = new Manifest(
                    manifest.model(),
                    manifest.version(),
                    manifest.parentVersion(),
                    manifest.trainerStep(),
                    manifest.samplesTrained(),
                    manifest.offsets(),
                    new TreeMap<>(manifest.metrics()),
                    files,
                    manifest.provenance());
            JSON.writeValue(folder.resolve(MANIFEST).toFile(), complete);
        });
        setCurrent(manifest.model(), manifest.version());
        return read(target);
    }

    /** A candidate the gate refused: kept as {@code rejected/v<N>.json} (manifest and reasons) so its number is never reused. */
    public void recordRejected(Manifest manifest, List<String> reasons) throws IOException {
        Path file = root.resolve(manifest.model()).resolve(REJECTED).resolve("v" + manifest.version() + ".json");
        Files.createDirectories(file.getParent());
        writeAtomically(file, JSON.writeValueAsBytes(new Rejected(manifest, List.copyOf(reasons))));
    }

    /** A refused candidate and why. */
    public record Rejected(Manifest manifest, List<String> reasons) {}

    /** Refused candidates of a model, oldest first. */
    public List<Rejected> rejected(String model) throws IOException {
        Path dir = root.resolve(model).resolve(REJECTED);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<Rejected> all = new ArrayList<>();
            for (Path file : entries.filter(p -> p.getFileName().toString().matches("v\\d+\\.json"))
                    .toList()) {
                all.add(JSON.readValue(file.toFile(), Rejected.class));
            }
            all.sort(Comparator.comparingLong(r -> r.manifest().version()));
            return all;
        }
    }

    /** The highest version number given out, published or rejected (0 for none): the next candidate takes the one after. */
    public long highestVersionNumber(String model) throws IOException {
        long highest = latest(model).map(s -> s.manifest().version()).orElse(0L);
        for (Rejected refused : rejected(model)) {
            highest = Math.max(highest, refused.manifest().version());
        }
        return highest;
    }

    /**
     * The version serving stacks should use: the one an operator promoted or rolled back to, else
     * the newest published one.
     */
    public Optional<Stored> current(String model) throws IOException {
        Path pointer = root.resolve(model).resolve(CURRENT);
        if (!Files.isRegularFile(pointer)) {
            return latest(model);
        }
        long version = Long.parseLong(Files.readString(pointer).trim());
        return Optional.of(read(root.resolve(model).resolve("v" + version)));
    }

    /** Makes a stored version current (publication, promotion, rollback). */
    public void setCurrent(String model, long version) throws IOException {
        if (!Files.isRegularFile(root.resolve(model).resolve("v" + version).resolve(MANIFEST))) {
            throw new IllegalArgumentException("version " + version + " of " + model + " is not in the store " + root
                    + " (rejected candidates have no weights)");
        }
        writeAtomically(
                root.resolve(model).resolve(CURRENT), Long.toString(version).getBytes(StandardCharsets.UTF_8));
    }

    /** Marks a version rolled back, with the operator's reason ({@code v<N>.rolled-back} beside its folder). */
    public void markRolledBack(String model, long version, String reason) throws IOException {
        writeAtomically(
                root.resolve(model).resolve("v" + version + ROLLED_BACK_SUFFIX),
                reason.getBytes(StandardCharsets.UTF_8));
    }

    public void clearRolledBack(String model, long version) throws IOException {
        Files.deleteIfExists(root.resolve(model).resolve("v" + version + ROLLED_BACK_SUFFIX));
    }

    public String rolledBackReason(String model, long version) throws IOException {
        return Files.readString(root.resolve(model).resolve("v" + version + ROLLED_BACK_SUFFIX));
    }

    public boolean isRolledBack(String model, long version) {
        return Files.exists(root.resolve(model).resolve("v" + version + ROLLED_BACK_SUFFIX));
    }

    /**
     * Deletes a stored version's weights and its side files (rolled-back mark, tags). The folder is
     * renamed away first, so a crash midway leaves no half version that {@link #versions} would list.
     * The current version is refused; its number stays given out ({@link #highestVersionNumber}
     * counts the newest, which retention always keeps).
     */
    public void remove(String model, long version) throws IOException {
        if (current(model).map(s -> s.manifest().version() == version).orElse(false)) {
            throw new IllegalArgumentException("version " + version + " of " + model + " is current; it stays");
        }
        Path folder = root.resolve(model).resolve("v" + version);
        Path doomed = root.resolve(model).resolve(".removing-v" + version);
        Files.move(folder, doomed, StandardCopyOption.ATOMIC_MOVE);
        try (Stream<Path> tree = Files.walk(doomed)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        Files.deleteIfExists(root.resolve(model).resolve("v" + version + ROLLED_BACK_SUFFIX));
        Files.deleteIfExists(VersionLabels.tagsFile(modelFolder(model), version));
    }

    /** The folder of a model's versions and pointers. */
    Path modelFolder(String model) {
        return root.resolve(model);
    }

    /** Bytes of a stored version's files. */
    public static long size(Stored stored) throws IOException {
        try (Stream<Path> files = Files.walk(stored.folder())) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        CheckpointStore.writeFileAtomically(file, temp -> Files.write(temp, bytes));
    }

    /** Versions of a model, oldest first. */
    public List<Stored> versions(String model) throws IOException {
        Path dir = root.resolve(model);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> folders = entries.filter(p ->
                            p.getFileName().toString().matches("v\\d+") && Files.isRegularFile(p.resolve(MANIFEST)))
                    .sorted(Comparator.comparingLong(
                            p -> Long.parseLong(p.getFileName().toString().substring(1))))
                    .toList();
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
