package dev.fuseflow.ops.versions;

import dev.fuseflow.schemas.avro.ModelVersion;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where one model stands, from its ModelVersion records in topic order: the version to serve is
 * the newest PUBLISHED record (a rollback re-announces the restored one), the last rejections
 * with their reasons, and the whole history.
 */
public record ModelStatus(
        String model,
        Optional<Entry> current,
        Optional<Duration> currentAge,
        List<Entry> lastRejections,
        List<Entry> history) {

    /** One record of the history. */
    public record Entry(
            long version,
            String status,
            Long parentVersion,
            long trainerStep,
            long samplesTrained,
            Instant createdAt,
            Map<String, Double> metrics,
            List<String> reasons) {

        static Entry of(ModelVersion v) {
            Map<String, Double> metrics = new TreeMap<>();
            v.getEvalMetrics().forEach((k, value) -> metrics.put(k.toString(), value));
            return new Entry(
                    v.getVersion(),
                    v.getStatus().name(),
                    v.getParentVersion(),
                    v.getTrainerStep(),
                    v.getSamplesTrained(),
                    v.getCreatedAt(),
                    metrics,
                    v.getStatusReasons().stream().map(CharSequence::toString).toList());
        }
    }

    /** @param records the model's records, oldest first */
    public static ModelStatus of(String model, List<ModelVersion> records, Instant now, int rejectionsShown) {
        List<Entry> history = records.stream().map(Entry::of).toList();
        Optional<Entry> current = Optional.empty();
        List<Entry> rejections = new ArrayList<>();
        for (Entry entry : history) {
            if (entry.status().equals(ModelVersionStatus.PUBLISHED.name())) {
                current = Optional.of(entry);
            } else if (entry.status().equals(ModelVersionStatus.REJECTED.name())) {
                rejections.add(entry);
            }
        }
        List<Entry> last = rejections.subList(Math.max(0, rejections.size() - rejectionsShown), rejections.size());
        return new ModelStatus(
                model, current, current.map(c -> Duration.between(c.createdAt(), now)), List.copyOf(last), history);
    }

    /** Candidates rejected since the newest publication: a streak operators alert on. */
    public long rejectionStreak() {
        long streak = 0;
        for (int i = history.size() - 1;
                i >= 0 && !history.get(i).status().equals(ModelVersionStatus.PUBLISHED.name());
                i--) {
            streak += history.get(i).status().equals(ModelVersionStatus.REJECTED.name()) ? 1 : 0;
        }
        return streak;
    }
}
