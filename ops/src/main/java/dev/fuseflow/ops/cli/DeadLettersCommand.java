package dev.fuseflow.ops.cli;

import dev.fuseflow.ops.deadletters.DeadLetterReport;
import dev.fuseflow.ops.json.OpsJson;
import dev.fuseflow.ops.topics.TopicSnapshot;
import dev.fuseflow.runtime.config.ConfigFile;
import dev.fuseflow.runtime.config.ConnectionOptions;
import dev.fuseflow.schemas.avro.DeadLetter;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dlq}: dead letters by stage and reason; the newest printed or all exported, originals decoded where possible. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description =
                "Dead letters summarised by stage and reason; --print N shows the newest, --export FILE writes all as JSON Lines.")
final class DeadLettersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Mixin
    ConfigFile config = new ConfigFile();

    @Option(names = "--print", descriptionKey = OpsSettings.DLQ_PRINT_KEY)
    int print;

    @Option(names = "--export", description = "Write every dead letter, decoded, as JSON Lines to this file.")
    Path export;

    @Option(names = "--json", description = "The summary (and printed letters) as one JSON object.")
    boolean json;

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Integer call() throws Exception {
        Map<String, Object> config = RegistryApi.confluent(connection.clientConfig(OpsCommand.CLIENT_SETTINGS));
        KafkaAvroDeserializer letters = new KafkaAvroDeserializer();
        letters.configure(config, false);
        List<DeadLetter> all = TopicSnapshot.values(
                TopicSnapshot.read(config, connection.topics().deadLetters().name(), Duration.ofSeconds(30)),
                (Deserializer<DeadLetter>) (Deserializer) letters);
        Map<String, Object> genericConfig = new HashMap<>(config);
        genericConfig.put("specific.avro.reader", false);
        KafkaAvroDeserializer originals = new KafkaAvroDeserializer();
        originals.configure(genericConfig, false);
        List<DeadLetterReport.Letter> readable = all.stream()
                .map(letter -> DeadLetterReport.readable(
                        letter,
                        bytes -> String.valueOf(
                                (GenericRecord) originals.deserialize(String.valueOf(letter.getSourceTopic()), bytes))))
                .toList();
        Map<String, Long> summary = DeadLetterReport.summary(all);
        List<DeadLetterReport.Letter> newest = readable.stream()
                .sorted(Comparator.comparing(DeadLetterReport.Letter::failedAt).reversed())
                .limit(print)
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(OpsJson.MAPPER.writeValueAsString(
                    Map.of("total", all.size(), "byStageAndReason", summary, "newest", newest)));
        } else {
            out.printf(
                    Locale.ROOT,
                    "%d dead letters in %s%n",
                    all.size(),
                    connection.topics().deadLetters().name());
            summary.forEach((key, count) -> out.printf(Locale.ROOT, "  %8d  %s%n", count, key));
            for (DeadLetterReport.Letter letter : newest) {
                out.printf(
                        Locale.ROOT,
                        "%n%s %s %s at %s-%s@%s: %s%n  original (%s): %s%n",
                        letter.failedAt(),
                        letter.stage(),
                        letter.reason(),
                        letter.sourceTopic(),
                        letter.sourcePartition(),
                        letter.sourceOffset(),
                        letter.message(),
                        letter.originalValueEncoding(),
                        letter.originalValue());
            }
        }
        if (export != null) {
            try (BufferedWriter file = Files.newBufferedWriter(export)) {
                for (DeadLetterReport.Letter letter : readable) {
                    file.write(OpsJson.MAPPER.writeValueAsString(letter));
                    file.newLine();
                }
            }
            out.printf(Locale.ROOT, "exported %d dead letters to %s%n", readable.size(), export);
        }
        out.flush();
        return 0;
    }
}
