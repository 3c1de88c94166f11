package dev.fuseflow.trainer.service;

import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.trainer.training.Publication;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.Stage;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the trainer service shows operators (docs/operations.md, "Metrics"): Prometheus meters through
 * Micrometer, and one progress line per {@code logEvery} that a person can follow. The last
 * update's WRPO.md metrics are gauges {@code fuseflow_trainer_metric{name="rewards/margins"}};
 * counters give samples/s and tokens/s by {@code rate()}, and the progress line prints the rates
 * over its interval.
 */
public final class TrainerMetrics implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger("fuseflow.trainer.progress");

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
    private final AtomicLong stageWrpo = new AtomicLong();
    private final AtomicReference<Double> alpha = new AtomicReference<>(0.0);
    private final Map<String, DoubleAdder> lastMetrics = new ConcurrentHashMap<>();
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
                .publishPercentiles(0.5, 0.95)
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
        Gauge.builder("fuseflow_trainer_stage", stageWrpo, AtomicLong::get)
                .description("0 SFT bootstrap, 1 WRPO")
                .register(registry);
        // Registered before the first update so that dashboards and alert rules find them (NaN until then).
        for (String name : List.of("loss", "grad_norm", "rewards/margins", "rewards/accuracies")) {
            lastMetrics.computeIfAbsent(name, this::metricGauge).add(Double.NaN);
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
                after.stage() == Stage.PREFERENCE,
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

    /** One update: its metrics under WRPO.md's names, the samples and tokens it trained, whether it was skipped. */
    private void update(
            boolean wrpo,
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
        stageWrpo.set(wrpo ? 1 : 0);
        metrics.forEach((name, value) ->
                lastMetrics.computeIfAbsent(name, this::metricGauge).reset());
        metrics.forEach((name, value) -> lastMetrics.get(name).add(value));
    }

    private DoubleAdder metricGauge(String name) {
        DoubleAdder holder = new DoubleAdder();
        Gauge.builder("fuseflow_trainer_metric", holder, DoubleAdder::sum)
                .tag("name", name)
                .description("The newest update's value of a WRPO.md metric")
                .register(registry);
        return holder;
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
        appendDefined(line, "loss %.4f", last("loss"));
        appendDefined(line, "margin %.4f", last("rewards/margins"));
        appendDefined(line, "accuracy %.3f", last("rewards/accuracies"));
        line.append(String.format(
                Locale.ROOT, " | alpha %.4f | lag %d | skipped %d", alpha, lag.get(), (long) skipped.count()));
        if (publishedVersion.get() > 0) {
            line.append(" | published v").append(publishedVersion.get());
        }
        appendDefined(line, "freshness p50 %.1fs", freshnessMedian());
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

    private double last(String name) {
        DoubleAdder value = lastMetrics.get(name);
        return value == null ? Double.NaN : value.sum();
    }

    private double freshnessMedian() {
        for (var percentile : freshness.takeSnapshot().percentileValues()) {
            if (percentile.percentile() == 0.5) {
                return percentile.value();
            }
        }
        return Double.NaN;
    }
}
