package dev.fuseflow.local.demo;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.trainer.cli.Running;
import dev.fuseflow.trainer.report.TrainingCurves;
import dev.fuseflow.trainer.service.TrainerMetrics.Quantity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The demo's terminal view: one status line every few seconds (events, samples, dead letters,
 * trainer lag, loss, alpha, served version, held-out reward per skill next to each source's), and
 * the trainer's loss and margin over updates kept for the final plots.
 */
final class LiveView {

    /** Every this many ticks the per-skill table (target against each source) is printed too. */
    private static final int TABLE_EVERY = 12;

    private final DemoApp app;
    private final MeterRegistry trainer;
    private final PipelineObserver observer;
    private final Supplier<Running.Status> training;
    private final PrintStream out;
    private final TrainingCurves trainerCurves = new TrainingCurves("trainer update");
    private long ticks;
    private volatile double preferenceStageSeen = Double.NaN;

    LiveView(
            DemoApp app,
            MeterRegistry trainer,
            Supplier<Running.Status> training,
            PipelineObserver observer,
            PrintStream out) {
        this.app = app;
        this.trainer = trainer;
        this.training = training;
        this.observer = observer;
        this.out = out;
    }

    /** Prints one status line and records the trainer's curves. */
    void tick() {
        double updates = counter("fuseflow_trainer_updates");
        Map<String, Double> figures = new LinkedHashMap<>();
        for (Quantity quantity : List.of(Quantity.LOSS, Quantity.REWARD_MARGIN, Quantity.REWARD_ACCURACY)) {
            figures.put(quantity.reported(), trainerFigure(quantity));
        }
        if (updates > 0) {
            trainerCurves.record((long) updates, figures);
        }
        double now = app.secondsRunning();
        long seconds = (long) now;
        String stage = runningStage();
        if (!"SFT".equals(stage) && Double.isNaN(preferenceStageSeen)) {
            preferenceStageSeen = now;
        }
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "[%02d:%02d] events %,d (%,.0f/s) | samples %,d | dlq %,d | trainer%s update %,d %s lag %d loss %.3f alpha %.3f"
                        + " | serving v%d",
                seconds / 60,
                seconds % 60,
                app.events(),
                app.events() / Math.max(1.0, seconds),
                observer.samplesSeen(),
                observer.deadLettersSeen(),
                switch (training.get()) {
                    case TRAINING -> "";
                    case DONE -> " done";
                    case FAILED -> " STOPPED (see the log)";
                },
                (long) updates,
                stage,
                (long) gauge("fuseflow_trainer_consumer_lag_records"),
                figures.get("loss"),
                gauge("fuseflow_trainer_alpha"),
                app.servedVersion()));
        if (app.failedSends() > 0) {
            line.append(String.format(Locale.ROOT, " | failed sends %,d", app.failedSends()));
        }
        List<LearningBoard.Row> measured = app.board().target();
        if (!measured.isEmpty()) {
            line.append(" | held-out ")
                    .append(skills(measured.get(measured.size() - 1).reward()));
            app.board()
                    .sources()
                    .forEach((name, reward) ->
                            line.append(String.format(Locale.ROOT, " | %s %.2f", name, reward.mean())));
        }
        out.println(line);
        if (++ticks % TABLE_EVERY == 0) {
            out.print(app.board().table());
        }
    }

    TrainingCurves trainerCurves() {
        return trainerCurves;
    }

    /**
     * The demo's clock (seconds) at the first tick that saw the trainer past SFT, so up to one tick after the
     * trainer's switch; NaN while it has not.
     */
    double preferenceStageSeen() {
        return preferenceStageSeen;
    }

    private static String skills(TaskReward reward) {
        return reward.perSkill().entrySet().stream()
                        .map(e ->
                                String.format(Locale.ROOT, "%s %.2f", e.getKey().promptName(), e.getValue()))
                        .collect(Collectors.joining(" "))
                + String.format(Locale.ROOT, " mean %.2f", reward.mean())
                + (reward.perSkill().size() < Skill.values().length ? " (some skills unmeasured)" : "");
    }

    private double counter(String name) {
        var counter = Search.in(trainer).name(name).counter();
        return counter == null ? 0 : counter.count();
    }

    private double gauge(String name) {
        var gauge = Search.in(trainer).name(name).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    /** The running stage's newest value: the other stages' series read NaN. */
    private double trainerFigure(Quantity quantity) {
        return Search.in(trainer).name(quantity.metricName()).gauges().stream()
                .mapToDouble(Gauge::value)
                .filter(Double::isFinite)
                .findFirst()
                .orElse(Double.NaN);
    }

    /** The stage whose {@code fuseflow_trainer_stage} series is 1, upper case as the logs write it. */
    private String runningStage() {
        return Search.in(trainer).name("fuseflow_trainer_stage").gauges().stream()
                .filter(gauge -> gauge.value() > 0)
                .map(gauge -> gauge.getId().getTag("stage").toUpperCase(Locale.ROOT))
                .findFirst()
                .orElse("SFT");
    }
}
