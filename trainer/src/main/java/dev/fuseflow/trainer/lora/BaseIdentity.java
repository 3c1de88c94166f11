package dev.fuseflow.trainer.lora;

import dev.fuseflow.trainer.format.Checksums;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which base model an adapter belongs to, beyond its name: the SHA-256 of the base's weight files
 * (the SHA-256 of the lines "file sha256" of every {@code model*.safetensors}, sorted by name). An
 * adapter applied to another base than the one it was trained on computes nonsense without any
 * error; the name alone does not tell a re-downloaded or retrained base from the original.
 */
public final class BaseIdentity {

    private BaseIdentity() {}

    public static String sha256(Path modelFolder) throws IOException {
        List<Path> weights;
        try (Stream<Path> files = Files.list(modelFolder)) {
            weights = files.filter(f -> {
                        String name = f.getFileName().toString();
                        return name.startsWith("model") && name.endsWith(".safetensors");
                    })
                    .sorted()
                    .toList();
        }
        if (weights.isEmpty()) {
            throw new IllegalArgumentException(modelFolder + " has no model*.safetensors weight files");
        }
        StringBuilder lines = new StringBuilder();
        for (Path file : weights) {
            lines.append(file.getFileName())
                    .append(' ')
                    .append(Checksums.sha256(file, 0, Files.size(file)))
                    .append('\n');
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(lines.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
