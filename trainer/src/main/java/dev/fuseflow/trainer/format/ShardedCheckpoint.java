package dev.fuseflow.trainer.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The weights of a Hugging Face model folder: {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json} ({@code weight_map: tensor -> shard file}).
 */
public final class ShardedCheckpoint {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private ShardedCheckpoint() {}

    /**
     * The folder's tensors, their bytes left in the files until asked for. Each file is checked before
     * use: its header against its size (a truncated copy is refused), and in one streamed pass its
     * SHA-256 where one is known, a hub cache blob's name or the digest FuseFlow wrote into it.
     */
    public static Map<String, Tensor> read(Path modelDir) throws IOException {
        Path single = modelDir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return readChecked(single).tensors();
        }
        Path index = modelDir.resolve(INDEX_FILE);
        if (!Files.isRegularFile(index)) {
            throw new IOException(modelDir + " has neither " + SINGLE_FILE + " nor " + INDEX_FILE);
        }
        JsonNode weightMap = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        Map<String, String> shardOf = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            shardOf.put(e.getKey(), e.getValue().asText());
        }
        for (String shard : new TreeSet<>(shardOf.values())) {
            if (!Files.isRegularFile(modelDir.resolve(shard))) {
                String example = shardOf.entrySet().stream()
                        .filter(e -> e.getValue().equals(shard))
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .orElseThrow();
                throw new IOException(modelDir.resolve(INDEX_FILE) + " puts tensors in " + shard + " (e.g. '" + example
                        + "'), which is missing from " + modelDir);
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String shard : new TreeSet<>(shardOf.values())) {
            Map<String, Tensor> inShard = readChecked(modelDir.resolve(shard)).tensors();
            shardOf.forEach((name, file) -> {
                if (file.equals(shard)) {
                    Tensor t = inShard.get(name);
                    if (t == null) {
                        throw new IllegalStateException(
                                INDEX_FILE + " puts '" + name + "' in " + shard + ", which lacks it");
                    }
                    tensors.put(name, t);
                }
            });
        }
        return tensors;
    }

    /** A hub cache blob is checked whole, which covers the digest inside it, so the file is hashed once. */
    private static SafeTensors.Contents readChecked(Path file) throws IOException {
        boolean hubBlob = Checksums.hubBlobDigest(file).isPresent();
        if (hubBlob) {
            Checksums.requireHubBlobIntact(file);
        }
        return SafeTensors.read(file, !hubBlob);
    }

    /** Tensors in order, into shards of at most {@code maxShardBytes}; a larger tensor gets a shard of its own. */
    public static List<List<SafeTensors.Spec>> plan(List<SafeTensors.Spec> specs, long maxShardBytes) {
        List<List<SafeTensors.Spec>> shards = new ArrayList<>();
        List<SafeTensors.Spec> current = new ArrayList<>();
        long size = 0;
        for (SafeTensors.Spec spec : specs) {
            if (!current.isEmpty() && size + spec.bytes() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(spec);
            size += spec.bytes();
        }
        shards.add(current);
        return shards;
    }

    /** transformers' shard file name: {@code model-00001-of-00003.safetensors}. */
    public static String shardName(int index, int count) {
        return String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", index + 1, count);
    }

    /** {@code model.safetensors.index.json}: total size and which shard holds each tensor. */
    public static void writeIndex(Path modelDir, List<List<SafeTensors.Spec>> shards) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        ObjectNode weightMap = json.createObjectNode();
        long total = 0;
        for (int i = 0; i < shards.size(); i++) {
            for (SafeTensors.Spec spec : shards.get(i)) {
                weightMap.put(spec.name(), shardName(i, shards.size()));
                total += spec.bytes();
            }
        }
        index.putObject("metadata").put("total_size", total);
        index.set("weight_map", weightMap);
        json.writerWithDefaultPrettyPrinter()
                .writeValue(modelDir.resolve(INDEX_FILE).toFile(), index);
    }

    /** Removes the folder's weight files (single, shards and index), so a new layout is not mixed with an old one. */
    public static void removeWeights(Path modelDir) throws IOException {
        if (!Files.isDirectory(modelDir)) {
            return;
        }
        try (var files = Files.list(modelDir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.equals(SINGLE_FILE)
                        || name.equals(INDEX_FILE)
                        || name.matches("model-\\d{5}-of-\\d{5}\\.safetensors")) {
                    Files.delete(file);
                }
            }
        }
    }
}
