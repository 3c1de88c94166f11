package dev.fuseflow.trainer.publish;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Named aliases and tags of a model's stored versions, as a model registry keeps them. An alias
 * ({@code champion}, {@code canary}) points at one version, as {@code <model>/aliases/<name>}
 * holding its number, beside {@code CURRENT} (which serving follows); tags are an operator's
 * key-value notes on a version, in {@code <model>/v<N>.tags.json}, since a version's folder is
 * immutable (its manifest's SHA-256 is its identity). Retention keeps every aliased version.
 */
public final class VersionLabels {

    /** What a version's labels are when a record announces it. */
    public record Labels(List<String> aliases, Map<String, String> tags) {

        public static final Labels NONE = new Labels(List.of(), Map.of());

        public Labels {
            aliases = List.copyOf(aliases);
            tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
        }
    }

    private static final String ALIASES = "aliases";
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");
    private static final int MAX_TAG_VALUE = 256;
    private static final TypeReference<TreeMap<String, String>> TAGS = new TypeReference<>() {};

    private final ModelStore store;

    public VersionLabels(ModelStore store) {
        this.store = store;
    }

    /** Points {@code alias} at a stored version (moving it if it pointed elsewhere). */
    public void setAlias(String model, String alias, long version) throws IOException {
        requireAliasName(alias);
        VersionOperations.requireStored(store, model, version);
        Files.createDirectories(aliasFile(model, alias).getParent());
        ModelStore.writeAtomically(
                aliasFile(model, alias), Long.toString(version).getBytes(StandardCharsets.UTF_8));
    }

    /** @return whether the alias existed */
    public boolean removeAlias(String model, String alias) throws IOException {
        requireAliasName(alias);
        return Files.deleteIfExists(aliasFile(model, alias));
    }

    /** Every alias of a model and the version it points at, by name. */
    public SortedMap<String, Long> aliases(String model) throws IOException {
        SortedMap<String, Long> aliases = new TreeMap<>();
        Path dir = store.modelFolder(model).resolve(ALIASES);
        if (!Files.isDirectory(dir)) {
            return aliases;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(
                            f -> ALIAS.matcher(f.getFileName().toString()).matches())
                    .toList()) {
                aliases.put(
                        file.getFileName().toString(),
                        Long.parseLong(Files.readString(file).strip()));
            }
        }
        return aliases;
    }

    /** The version an alias points at. */
    public Optional<Long> resolve(String model, String alias) throws IOException {
        return Optional.ofNullable(aliases(model).get(alias));
    }

    /** A stored version's tags, by key. */
    public SortedMap<String, String> tags(String model, long version) throws IOException {
        Path file = tagsFile(store.modelFolder(model), version);
        return Files.isRegularFile(file) ? ModelStore.JSON.readValue(file.toFile(), TAGS) : new TreeMap<>();
    }

    /**
     * Sets the tags of {@code set} and removes the keys of {@code remove} on a stored version.
     *
     * @return the version's tags now
     */
    public SortedMap<String, String> tag(String model, long version, Map<String, String> set, Set<String> remove)
            throws IOException {
        VersionOperations.requireStored(store, model, version);
        set.forEach(VersionLabels::requireTag);
        SortedMap<String, String> tags = tags(model, version);
        tags.putAll(set);
        tags.keySet().removeAll(remove);
        Path file = tagsFile(store.modelFolder(model), version);
        if (tags.isEmpty()) {
            Files.deleteIfExists(file);
        } else {
            ModelStore.writeAtomically(file, ModelStore.JSON.writeValueAsBytes(tags));
        }
        return tags;
    }

    /** The aliases pointing at a version and its tags, for its record. */
    public Labels of(String model, long version) throws IOException {
        List<String> aliases = aliases(model).entrySet().stream()
                .filter(e -> e.getValue() == version)
                .map(Map.Entry::getKey)
                .toList();
        return new Labels(aliases, tags(model, version));
    }

    static Path tagsFile(Path modelFolder, long version) {
        return modelFolder.resolve("v" + version + ".tags.json");
    }

    private Path aliasFile(String model, String alias) {
        return store.modelFolder(model).resolve(ALIASES).resolve(alias);
    }

    private static void requireAliasName(String alias) {
        if (!ALIAS.matcher(alias).matches() || alias.equals("current")) {
            throw new IllegalArgumentException("alias '" + alias + "' must be 1 to 63 lower-case letters, digits or"
                    + " '-', starting with a letter, and not 'current' (CURRENT is the served version)");
        }
    }

    private static void requireTag(String key, String value) {
        if (!TAG_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("tag key '" + key
                    + "' must be 1 to 128 letters, digits or . _ / - (starting with a letter or digit)");
        }
        if (value.length() > MAX_TAG_VALUE) {
            throw new IllegalArgumentException(
                    "tag " + key + " has a value of " + value.length() + " characters, above " + MAX_TAG_VALUE);
        }
    }
}
