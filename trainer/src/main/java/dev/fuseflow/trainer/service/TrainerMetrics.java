package dev.fuseflow.trainer.service;

import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.trainer.training.Objective;
import dev.fuseflow.trainer.training.Publication;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.StepReport;
import dev.fuseflow.trainer.training.TrainingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the trainer service shows operators (docs/operations.md, "Metrics"): Prometheus meters through
 * Micrometer, and one progress line per {@code logEvery} that a person can follow. The newest
 * update's figures are one gauge per quantity ({@link Quantity}: {@code fuseflow_trainer_loss},
 * {@code _grad_norm}, {@code _learning_rate}, {@code _reward_margin}, {@code _reward_accuracy_ratio}, ...)
 * with the stage that computed them as the label {@code stage} (sft, wrpo, dpo); a stage's
 * series read NaN while another stage trains, so a graph shows the running stage only.
 * {@code fuseflow_trainer_stage{stage}} is 1 for the running stage. Counters give samples/s and
 * tokens/s by {@code rate()}, the progress line prints the rates over its interval.
 */
public final class TrainerMetrics implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger("fuseflow.trainer.progress");
    private static final String SFT = "sft";

    /**
     * Upper bounds of the freshness histogram's buckets, in seconds: from a streaming run that publishes
     * every few minutes to a day, the range within which an operator tells fresh from stale.
     */
    private static final double[] FRESHNESS_BUCKETS = {
        30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 14_400, 28_800, 86_400
    };

    private final MeterRegistry registry;
    private final Duration logEvery;
    private final Counter updates;
    private final Counter samples;
    private final Counter tokens;
    private final Counter skipped;
    private final Timer checkpointTime;
    private final DistributionSummary freshness;
    private final AtomicLong checkpointBytes = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong publishedVersion = new AtomicLong();
    private final AtomicReference<String> stage = new AtomicReference<>("");
    private final AtomicReference<Double> alpha = new AtomicReference<>(0.0);
    /** The newest figures by stage label, then quantity. */
    private final Map<String, Map<Quantity, AtomicReference<Double>>> figures = new ConcurrentHashMap<>();

    private long lastLogNanos = System.nanoTime();
    private double samplesAtLastLog;
    private double tokensAtLastLog;
    private double updatesAtLastLog;

    public TrainerMetrics(MeterRegistry registry, Duration logEvery) {
        this.registry = registry;
        this.logEvery = logEvery;
        this.updates = Counter.builder("fuseflow_trainer_updates")
                .description("Optimizer updates applied or skipped")
                .register(registry);
        this.samples = Counter.builder("fuseflow_trainer_samples")
                .description("Preference samples trained")
                .register(registry);
        this.tokens = Counter.builder("fuseflow_trainer_tokens")
                .description("Tokens through the policy forward")
                .register(registry);
        this.skipped = Counter.builder("fuseflow_trainer_skipped_updates")
                .description("Updates skipped for a non-finite loss or gradient")
                .register(registry);
        this.checkpointTime = Timer.builder("fuseflow_trainer_checkpoint_duration")
                .description("Time to write a checkpoint durably")
                .register(registry);
        this.freshness = DistributionSummary.builder("fuseflow_trainer_freshness_seconds")
                .description("Sample creation to the first published version trained on it")
                .baseUnit("seconds")
                .serviceLevelObjectives(FRESHNESS_BUCKETS)
                .distributionStatisticExpiry(Duration.ofMinutes(10))
                .register(registry);
        Gauge.builder("fuseflow_trainer_checkpoint_bytes", checkpointBytes, AtomicLong::get)
                .description("Size of the newest checkpoint")
                .register(registry);
        Gauge.builder("fuseflow_trainer_consumer_lag_records", lag, AtomicLong::get)
                .description("Preference samples behind the end of the topic")
                .register(registry);
        Gauge.builder("fuseflow_trainer_published_version", publishedVersion, AtomicLong::get)
                .description("Newest version this trainer published")
                .register(registry);
        Gauge.builder("fuseflow_trainer_alpha", alpha, AtomicReference::get)
                .description("WRPO's alpha at the newest update")
                .register(registry);
        for (String label : stageLabels()) {
            Gauge.builder("fuseflow_trainer_stage", stage, running -> label.equals(running.get()) ? 1 : 0)
                    .description(
                            "1 for the stage the trainer runs (sft, then the preference objective), 0 for the others")
                    .tag("stage", label)
                    .register(registry);
        }
        // Registered before the first update so that dashboards find them (NaN until then): the SFT
        // bootstrap's quantities and the default preference objective's; another objective's on its first update.
        for (Quantity quantity : Quantity.values()) {
            if (!quantity.preferenceOnly()) {
                figure(SFT, quantity);
            }
            figure(Objective.WRPO.name().toLowerCase(Locale.ROOT), quantity);
        }
    }

    /**
     * The figures of an update that get a gauge of their own: the docs/wrpo.md name a stage reports, the
     * Prometheus name, and whether only the preference stage computes it.
     */
    public enum Quantity {
        LOSS("loss", "fuseflow_trainer_loss", "The newest update's loss", false),
        GRAD_NORM("grad_norm", "fuseflow_trainer_grad_norm", "The newest update's gradient L2 norm", false),
        LEARNING_RATE("learning_rate", "fuseflow_trainer_learning_rate", "The newest update's learning rate", false),
        REWARD_MARGIN(
                "rewards/margins",
                "fuseflow_trainer_reward_margin",
                "Mean implicit reward of the chosen responses minus the rejected ones",
                true),
        REWARD_ACCURACY(
                "rewards/accuracies",
                "fuseflow_trainer_reward_accuracy_ratio",
                "Share of pairs whose chosen response has the higher implicit reward",
                true),
        REWARD_CHOSEN(
                "rewards/chosen",
                "fuseflow_trainer_reward_chosen",
                "Mean implicit reward of the chosen responses",
                true),
        REWARD_REJECTED(
                "rewards/rejected",
                "fuseflow_trainer_reward_rejected",
                "Mean implicit reward of the rejected responses",
                true);

        private final String reported;
        private final String metricName;
        private final String description;
        private final boolean preferenceOnly;

        Quantity(String reported, String metricName, String description, boolean preferenceOnly) {
            this.reported = reported;
            this.metricName = metricName;
            this.description = description;
            this.preferenceOnly = preferenceOnly;
        }

        /** The name under which a {@link StepReport} carries it (docs/wrpo.md's). */
        public String reported() {
            return reported;
        }

        public String metricName() {
            return metricName;
        }

        boolean preferenceOnly() {
            return preferenceOnly;
        }
    }

    /** Meters kept in memory only (tests, embedded use without an endpoint). */
    public static TrainerMetrics inMemory() {
        return new TrainerMetrics(new SimpleMeterRegistry(), Duration.ofSeconds(10));
    }

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void trained(RunState after, StepReport report) {
        update(
                report.stageName().toLowerCase(Locale.ROOT),
                report.alpha(),
                report.metrics(),
                report.samples(),
                report.tokens(),
                report.applied());
        maybeLog(report.stageName(), report.alpha());
    }

    @Override
    public void lag(long records) {
        lag.set(records);
    }

    @Override
    public void checkpointed(Path checkpoint, long nanos, long bytes) {
        checkpointTime.record(nanos, TimeUnit.NANOSECONDS);
        checkpointBytes.set(bytes);
    }

    @Override
    public void published(Publication.Outcome outcome) {
        if (outcome.status() == ModelVersionStatus.PUBLISHED) {
            publishedVersion.set(outcome.version());
            long now = System.currentTimeMillis();
            for (long created : outcome.trainedSampleTimestamps()) {
                freshness.record(Math.max(0, now - created) / 1000.0);
            }
        }
    }

    /** One update: its metrics under docs/wrpo.md's names, the samples and tokens it trained, whether it was skipped. */
    private void update(
            String stageLabel,
            double alphaNow,
            Map<String, Double> metrics,
            int trainedSamples,
            long trainedTokens,
            boolean applied) {
        alpha.set(alphaNow);
        updates.increment();
        samples.increment(trainedSamples);
        tokens.increment(trainedTokens);
        if (!applied) {
            skipped.increment();
        }
        String before = stage.getAndSet(stageLabel);
        if (!stageLabel.equals(before) && figures.containsKey(before)) {
            figures.get(before).values().forEach(figure -> figure.set(Double.NaN)); // that stage has ended
        }
        for (Quantity quantity : Quantity.values()) {
            Double value = metrics.get(quantity.reported());
            if (value != null) {
                figure(stageLabel, quantity).set(value);
            }
        }
    }

    /** The holder of one quantity's gauge for one stage, registered (NaN) on first use. */
    private AtomicReference<Double> figure(String stageLabel, Quantity quantity) {
        return figures.computeIfAbsent(stageLabel, label -> new ConcurrentHashMap<>())
                .computeIfAbsent(quantity, q -> {
                    AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
                    Gauge.builder(q.metricName(), holder, AtomicReference::get)
                            .description(q.description)
                            .tag("stage", stageLabel)
                            .register(registry);
                    return holder;
                });
    }

    private static Set<String> stageLabels() {
        Set<String> labels = new LinkedHashSet<>(List.of(SFT));
        for (Objective objective : Objective.values()) {
            labels.add(objective.name().toLowerCase(Locale.ROOT));
        }
        return labels;
    }

    /** Logs the progress line when {@code logEvery} has passed since the last one. */
    private void maybeLog(String stage, double alpha) {
        long now = System.nanoTime();
        double seconds = (now - lastLogNanos) / 1e9;
        if (seconds < logEvery.toMillis() / 1000.0) {
            return;
        }
        double samplesNow = samples.count();
        double tokensNow = tokens.count();
        double updatesNow = updates.count();
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "%s update %d (+%.0f) | samples %d, %.1f/s | tokens/s %.0f",
                stage,
                (long) updatesNow,
                updatesNow - updatesAtLastLog,
                (long) samplesNow,
                (samplesNow - samplesAtLastLog) / seconds,
                (tokensNow - tokensAtLastLog) / seconds));
        // A figure the stage does not define (SFT has no margin or accuracy) is left out rather than printed as NaN.
        appendDefined(line, "loss %.4f", last(Quantity.LOSS));
        appendDefined(line, "margin %.4f", last(Quantity.REWARD_MARGIN));
        appendDefined(line, "accuracy %.3f", last(Quantity.REWARD_ACCURACY));
        line.append(String.format(
                Locale.ROOT, " | alpha %.4f | lag %d | skipped %d", alpha, lag.get(), (long) skipped.count()));
        if (publishedVersion.get() > 0) {
            line.append(" | published v").append(publishedVersion.get());
        }
        appendDefined(line, "freshness max %.1fs", freshnessMax());
        LOG.info(line.toString());
        lastLogNanos = now;
        samplesAtLastLog = samplesNow;
        tokensAtLastLog = tokensNow;
        updatesAtLastLog = updatesNow;
    }

    private static void appendDefined(StringBuilder line, String format, double value) {
        if (Double.isFinite(value)) {
            line.append(" | ").append(String.format(Locale.ROOT, format, value));
        }
    }

    /** The running stage's newest value of {@code quantity}; NaN when it has none. */
    private double last(Quantity quantity) {
        Map<Quantity, AtomicReference<Double>> running = figures.get(stage.get());
        AtomicReference<Double> value = running == null ? null : running.get(quantity);
        return value == null ? Double.NaN : value.get();
    }

    /** The stalest sample of the publications of the last 10 minutes; NaN when none was published then. */
    private double freshnessMax() {
        double max = freshness.max();
        return max > 0 ? max : Double.NaN;
    }
}
