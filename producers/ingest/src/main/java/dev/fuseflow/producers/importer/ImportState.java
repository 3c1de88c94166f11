package dev.fuseflow.producers.importer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How far an import of one file got: the lines whose events the broker acknowledged, for the file
 * with this name and size at its first line. Written atomically after every acknowledged window;
 * a re-run starts after {@code linesDone}.
 */
record ImportState(String input, String firstLineDigest, long linesDone) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ImportState read(Path file, String input, String firstLineDigest) throws IOException {
        if (!Files.exists(file)) {
            return new ImportState(input, firstLineDigest, 0);
        }
        ImportState saved = JSON.readValue(file.toFile(), ImportState.class);
        if (!saved.firstLineDigest().equals(firstLineDigest)) {
            throw new IllegalStateException(
                    file + " records an import of a different file (its first line differs); delete it or pass"
                            + " another --state to import this one from the start");
        }
        return saved;
    }

    void write(Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        JSON.writeValue(partial.toFile(), this);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
