package dev.fuseflow.trainer.export;

import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.report.Progress;
import dev.fuseflow.trainer.service.SampleCheck;
import dev.fuseflow.trainer.topics.TopicSnapshot;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import me.tongfei.progressbar.ProgressBar;

/**
 * The preference topic as a JSONL file for {@code train}: every committed sample from the start of each partition
 * up to where it ended when the export began (later ones are for the next export), in {@link WrpoExampleJsonl}'s
 * format, each sample id once. A record the trainer would refuse ({@link SampleCheck#decode}: not a
 * PreferenceSample, or one that breaks the sample contract) is counted by the reason the trainer dead-letters it
 * with, and left out, not dead-lettered again: the trainer did that when it read it. The file appears only when
 * complete.
 */
public final class SampleExport {

    /** What an export wrote and what it left out, by reason. */
    public record Result(Path file, long exported, Map<String, Long> leftOut) {}

    /** The stream emits a sample again, with the same id, when its selection and evidence are unchanged; the file keeps one. */
    static final String REPEATED = "REPEATED_SAMPLE_ID";

    private final TopicSnapshot snapshot;

    public SampleExport(TopicSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** Writes the samples of {@code topic} to {@code output}, with a progress bar (records, rate, ETA) on {@code progressOut}. */
    public Result export(String topic, Path output, PrintStream progressOut) throws IOException {
        Path absolute = output.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        Map<String, Long> leftOut = new TreeMap<>();
        long exported;
        try (BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            exported = copy(topic, out, leftOut, progressOut);
        } catch (UncheckedIOException e) {
            Files.deleteIfExists(partial);
            throw e.getCause();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Result(output, exported, leftOut);
    }

    /** Streams each usable sample to {@code out} as it is read (only the ids seen stay in memory); returns how many. */
    private long copy(String topic, BufferedWriter out, Map<String, Long> leftOut, PrintStream progressOut) {
        KafkaAvroDeserializer avro = snapshot.deserializer();
        Set<String> seen = new HashSet<>();
        ProgressBar[] progress = new ProgressBar[1];
        try {
            snapshot.readToEnd(
                    topic,
                    offsets -> progress[0] = Progress.bar("export", "records", offsets, 0, progressOut),
                    record -> {
                        progress[0].step();
                        SampleCheck.Checked checked = SampleCheck.decode(
                                () -> avro.deserialize(record.topic(), record.headers(), record.value()));
                        if (checked.violation().isPresent()) {
                            leftOut.merge(checked.violation().get().reason().name(), 1L, Long::sum);
                        } else if (!seen.add(checked.sample().getSampleId())) {
                            leftOut.merge(REPEATED, 1L, Long::sum);
                        } else {
                            write(out, WrpoExample.of(checked.sample()));
                        }
                    });
        } finally {
            if (progress[0] != null) {
                // The offsets counted at the start include transaction markers, which are not records.
                progress[0].maxHint(progress[0].getCurrent());
                progress[0].close();
            }
        }
        return seen.size();
    }

    private static void write(BufferedWriter out, WrpoExample sample) {
        try {
            out.write(WrpoExampleJsonl.line(sample));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
