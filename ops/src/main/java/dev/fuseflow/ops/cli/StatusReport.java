package dev.fuseflow.ops.cli;

import dev.fuseflow.ops.lag.LagProbe;
import dev.fuseflow.ops.lag.PartitionLag;
import dev.fuseflow.ops.topics.TopicSnapshot;
import dev.fuseflow.ops.versions.ModelStatus;
import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.serde.KafkaAvroDeserializer;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.schemas.versions.VersionMetrics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The answer to "is it keeping up, which model is live, why was the last candidate rejected": lag
 * of every FuseFlow consumer group and every model's status, printable as a table or as JSON.
 */
public record StatusReport(Instant at, List<PartitionLag> lag, List<ModelStatus> models) {

    /**
     * Reads the lag of the groups starting with {@code groupPrefix} and the model-versions topic, with
     * {@code config}'s clients (its registry URL checked by {@link RegistryApi#confluent}).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static StatusReport take(
            Map<String, Object> config, FuseFlowTopics topics, LagProbe probe, String groupPrefix, int rejectionsShown)
            throws Exception {
        List<PartitionLag> lag = probe.lag(probe.groups(groupPrefix));
        List<ModelVersion> records;
        try (KafkaAvroDeserializer avro = new KafkaAvroDeserializer()) {
            avro.configure(config, false);
            records = TopicSnapshot.values(
                    TopicSnapshot.read(config, topics.modelVersions().name(), Duration.ofSeconds(10)),
                    (Deserializer<ModelVersion>) (Deserializer) avro);
        }
        Map<String, List<ModelVersion>> byModel = new LinkedHashMap<>();
        records.forEach(v -> byModel.computeIfAbsent(v.getModelName().toString(), k -> new ArrayList<>())
                .add(v));
        Instant now = Instant.now();
        List<ModelStatus> models = new ArrayList<>();
        byModel.forEach((model, versions) -> models.add(ModelStatus.of(model, versions, now, rejectionsShown)));
        return new StatusReport(now, lag, models);
    }

    /** The table people read. */
    public void print(PrintWriter out, int historyShown) {
        out.printf(Locale.ROOT, "FuseFlow status at %s%n%n", at);
        out.printf(
                Locale.ROOT,
                "%-28s %-34s %4s %10s %10s %9s %9s  %s%n",
                "group",
                "topic",
                "part",
                "committed",
                "end",
                "lag",
                "lag (s)",
                "trend");
        for (PartitionLag p : lag) {
            out.printf(
                    Locale.ROOT,
                    "%-28s %-34s %4d %10d %10d %9d %9.1f  %s%n",
                    p.group(),
                    p.topic(),
                    p.partition(),
                    p.committed(),
                    p.end(),
                    p.lagRecords(),
                    p.lagSeconds(),
                    p.trendWord()
                            + (Double.isNaN(p.trendPerMinute())
                                    ? ""
                                    : String.format(Locale.ROOT, " (%+.0f/min)", p.trendPerMinute())));
        }
        if (lag.isEmpty()) {
            out.println("(no consumer group has committed offsets yet)");
        }
        models.forEach(model -> printModel(out, model, historyShown));
        out.flush();
    }

    private void printModel(PrintWriter out, ModelStatus model, int historyShown) {
        out.printf(Locale.ROOT, "%nmodel %s: ", model.model());
        if (model.current().isPresent()) {
            ModelStatus.Entry current = model.current().get();
            out.printf(
                    Locale.ROOT,
                    "serving v%d, published %s ago, %s%n",
                    current.version(),
                    age(model.currentAge().orElse(Duration.ZERO)),
                    VersionMetrics.columns(List.of(current.metrics())).stream()
                            .map(metric -> VersionMetrics.header(metric) + " "
                                    + VersionMetrics.cell(current.metrics(), metric))
                            .collect(Collectors.joining(", ")));
        } else {
            out.println("no published version yet");
        }
        if (model.rejectionStreak() > 0) {
            out.printf(Locale.ROOT, "  %d candidate(s) rejected since the last publication%n", model.rejectionStreak());
        }
        for (ModelStatus.Entry rejected : model.lastRejections()) {
            out.printf(
                    Locale.ROOT,
                    "  rejected v%d (%s ago): %s%n",
                    rejected.version(),
                    age(Duration.between(rejected.createdAt(), at)),
                    String.join("; ", rejected.reasons()));
        }
        printHistory(out, model, historyShown);
    }

    /** The newest versions, with the metric columns {@link VersionMetrics} picks for them. */
    private static void printHistory(PrintWriter out, ModelStatus model, int historyShown) {
        List<ModelStatus.Entry> history = model.history();
        List<ModelStatus.Entry> shown = history.subList(Math.max(0, history.size() - historyShown), history.size());
        List<String> columns = VersionMetrics.columns(
                shown.stream().map(ModelStatus.Entry::metrics).toList());
        StringBuilder header = new StringBuilder(String.format(
                Locale.ROOT, "  %-8s %-12s %7s %8s %9s", "version", "status", "parent", "step", "samples"));
        columns.forEach(metric -> header.append(String.format(Locale.ROOT, " %12s", VersionMetrics.header(metric))));
        out.println(header.append("  created"));
        for (ModelStatus.Entry e : shown) {
            StringBuilder row = new StringBuilder(String.format(
                    Locale.ROOT,
                    "  %-8d %-12s %7s %8d %9d",
                    e.version(),
                    e.status(),
                    e.parentVersion() == null ? "-" : e.parentVersion().toString(),
                    e.trainerStep(),
                    e.samplesTrained()));
            columns.forEach(metric ->
                    row.append(String.format(Locale.ROOT, " %12s", VersionMetrics.cell(e.metrics(), metric))));
            out.println(row.append("  ").append(e.createdAt()));
        }
    }

    static String age(Duration age) {
        long seconds = age.toSeconds();
        if (seconds < 120) {
            return seconds + " s";
        }
        return seconds < 7_200 ? seconds / 60 + " min" : seconds / 3_600 + " h";
    }
}
