package dev.fuseflow.trainer.export;

import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.validation.EventValidator.Violation;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.report.Progress;
import dev.fuseflow.trainer.service.SampleCheck;
import dev.fuseflow.trainer.topics.TopicSnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The preference topic as a JSONL file for {@code train}: every committed sample from the start of each partition
 * up to where it ended when the export began (later ones are for the next export), in {@link WrpoExampleJsonl}'s
 * format, each sample id once. A record the trainer would refuse (not a PreferenceSample, or one that breaks the sample contract) is
 * counted by reason and left out, not dead-lettered again: the trainer did that when it read it. The file appears
 * only when complete.
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
        KafkaAvroDeserializer avro = snapshot.deserializer();
        List<WrpoExample> exported = new ArrayList<>();
        Map<String, Long> leftOut = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        ProgressBar[] progress = new ProgressBar[1];
        try {
            snapshot.readToEnd(
                    topic,
                    offsets -> progress[0] = Progress.bar("export", "records", offsets, 0, progressOut),
                    record -> {
                        progress[0].step();
                        Optional<WrpoExample> example = decode(avro, record);
                        if (example.isEmpty()) {
                            leftOut.merge(reason(avro, record), 1L, Long::sum);
                        } else if (!seen.add(example.get().sampleId())) {
                            leftOut.merge(REPEATED, 1L, Long::sum);
                        } else {
                            exported.add(example.get());
                        }
                    });
        } finally {
            if (progress[0] != null) {
                // The offsets counted at the start include transaction markers, which are not records.
                progress[0].maxHint(progress[0].getCurrent());
                progress[0].close();
            }
        }
        Path absolute = output.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        WrpoExampleJsonl.write(partial, exported);
        Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Result(output, exported.size(), leftOut);
    }

    private static Optional<WrpoExample> decode(KafkaAvroDeserializer avro, ConsumerRecord<byte[], byte[]> record) {
        return sample(avro, record)
                .filter(sample -> SampleCheck.problem(sample).isEmpty())
                .map(WrpoExample::of);
    }

    /** Why a record was left out: not a sample at all, or the sample contract's reason. */
    private static String reason(KafkaAvroDeserializer avro, ConsumerRecord<byte[], byte[]> record) {
        return sample(avro, record)
                .flatMap(SampleCheck::problem)
                .map(Violation::reason)
                .map(Enum::name)
                .orElse("NOT_A_PREFERENCE_SAMPLE");
    }

    private static Optional<PreferenceSample> sample(
            KafkaAvroDeserializer avro, ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            return avro.deserialize(record.topic(), record.headers(), record.value()) instanceof PreferenceSample s
                    ? Optional.of(s)
                    : Optional.empty();
        } catch (RuntimeException notASample) {
            return Optional.empty();
        }
    }
}
