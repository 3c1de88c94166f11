package dev.fuseflow.trainer.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
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

    public static Map<String, Tensor> read(Path modelDir) throws IOException {
        Path single = modelDir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return SafeTensors.read(single).tensors();
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
            Map<String, Tensor> inShard =
                    SafeTensors.read(modelDir.resolve(shard)).tensors();
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
}
