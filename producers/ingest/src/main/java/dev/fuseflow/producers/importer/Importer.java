package dev.fuseflow.producers.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fuseflow.producers.client.FeedbackClient;
import dev.fuseflow.producers.json.EventJson;
import dev.fuseflow.schemas.avro.FeedbackEvent;
import dev.fuseflow.schemas.avro.GenerationEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import me.tongfei.progressbar.ProgressBar;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Imports a JSONL file into FuseFlow's topics: each line through its {@link LineFormat}, bad lines
 * to a reject file with their line number and error, events through a {@link FeedbackClient}.
 * Every {@code window} lines it waits for the broker's acknowledgements and records the lines done
 * in the state file, so a re-run after a crash resumes there; the deterministic event ids make the
 * few lines of an unacknowledged window harmless to send again.
 */
final class Importer {

    /** What an import did. */
    record Summary(
            long lines,
            long alreadyImported,
            long imported,
            long rejected,
            long generations,
            long feedback,
            double seconds) {}

    private final LineFormat format;
    private final FeedbackClient client;
    private final int window;
    private final ObjectMapper json = EventJson.mapper();

    Importer(LineFormat format, FeedbackClient client, int window) {
        this.format = format;
        this.client = client;
        this.window = window;
    }

    /**
     * @param limit at most this many new lines in this run (for a trial); Long.MAX_VALUE for all
     */
    Summary run(Path input, Path rejects, Path stateFile, long limit, ProgressBar progress) throws IOException {
        long started = System.nanoTime();
        ImportState state = ImportState.read(stateFile, input.toString(), firstLineDigest(input));
        Counts counts = new Counts();
        List<CompletableFuture<RecordMetadata>> pending = new ArrayList<>();
        long lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                BufferedWriter rejected = Files.newBufferedWriter(
                        rejects, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (String line = reader.readLine(); line != null && counts.imported < limit; line = reader.readLine()) {
                lineNumber++;
                progress.step();
                if (lineNumber <= state.linesDone()) {
                    counts.alreadyImported++;
                    continue;
                }
                importLine(line, lineNumber, pending, rejected, counts);
                if (lineNumber % window == 0) {
                    state = acknowledge(pending, state, lineNumber, stateFile);
                }
            }
            state = acknowledge(pending, state, lineNumber, stateFile);
        }
        return new Summary(
                lineNumber,
                counts.alreadyImported,
                counts.imported,
                counts.rejected,
                counts.generations,
                counts.feedback,
                (System.nanoTime() - started) / 1e9);
    }

    private static final class Counts {
        long alreadyImported;
        long imported;
        long rejected;
        long generations;
        long feedback;
    }

    private void importLine(
            String line,
            long lineNumber,
            List<CompletableFuture<RecordMetadata>> pending,
            BufferedWriter rejected,
            Counts counts)
            throws IOException {
        counts.imported++;
        if (line.isBlank()) {
            return;
        }
        List<SpecificRecord> events;
        try {
            events = format.events(json.readTree(line), line);
        } catch (JsonProcessingException e) {
            reject(rejected, lineNumber, "not JSON: " + e.getOriginalMessage(), line, counts);
            return;
        } catch (IllegalArgumentException | AvroRuntimeException e) {
            // AvroRuntimeException: a value the event's schema refuses that the JSON checks let through.
            reject(rejected, lineNumber, e.getMessage(), line, counts);
            return;
        }
        for (SpecificRecord event : events) {
            if (event instanceof GenerationEvent generation) {
                pending.add(client.send(generation));
                counts.generations++;
            } else {
                pending.add(client.send((FeedbackEvent) event));
                counts.feedback++;
            }
        }
    }

    private void reject(BufferedWriter rejected, long lineNumber, String error, String line, Counts counts)
            throws IOException {
        ObjectNode entry = json.createObjectNode()
                .put("line", lineNumber)
                .put("error", error)
                .put("text", line);
        rejected.write(json.writeValueAsString(entry));
        rejected.newLine();
        rejected.flush();
        counts.rejected++;
    }

    /** Waits for the window's acknowledgements; only then may the state move past its lines. */
    private ImportState acknowledge(
            List<CompletableFuture<RecordMetadata>> pending, ImportState state, long lineNumber, Path stateFile)
            throws IOException {
        client.flush();
        for (CompletableFuture<RecordMetadata> future : pending) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IOException(
                        "the broker did not take the events of lines " + (state.linesDone() + 1) + " to " + lineNumber
                                + " (" + e.getCause() + "); run the import again to resume at line "
                                + (state.linesDone() + 1),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the broker", e);
            }
        }
        pending.clear();
        ImportState done = new ImportState(state.input(), state.firstLineDigest(), lineNumber);
        done.write(stateFile);
        return done;
    }

    static String firstLineDigest(Path input) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String first = reader.readLine();
            return DeterministicIds.digest(first == null ? "" : first);
        }
    }

    static long countLines(Path input) throws IOException {
        try (var lines = Files.lines(input, StandardCharsets.UTF_8)) {
            return lines.count();
        }
    }
}
