package dev.fuseflow.trainer.service;

import dev.fuseflow.trainer.training.Objective;
import dev.fuseflow.trainer.training.Publication;
import dev.fuseflow.trainer.training.RunLimits;
import dev.fuseflow.trainer.training.Stage;
import dev.fuseflow.trainer.training.StagePlan;
import dev.fuseflow.trainer.training.TrainingLoop;
import dev.fuseflow.trainer.training.TrainingSetup;
import java.io.IOException;
import java.time.Duration;

/**
 * The streaming trainer: the training core fed by Kafka micro-batches of the preferences topic,
 * SFT on y_ws for the first {@code sftSamples} samples, then WRPO (or DPO) for as long as data arrives,
 * with the eval gate and publication when one is configured. With objective SFT there is no
 * preference stage: the service trains its SFT quota and finishes.
 */
public final class TrainerService implements AutoCloseable {

    /**
     * @param training        what to train and how
     * @param sftSamples      samples SFT trains on y_ws before WRPO starts (0: none)
     * @param scheduleUpdates WRPO's cosine length in updates (the rate stays at its floor after)
     * @param topic           the preferences topic
     * @param maxWait         the longest wait for a micro-batch to fill
     */
    public record Settings(
            TrainingSetup training, long sftSamples, long scheduleUpdates, String topic, Duration maxWait) {
        public Settings {
            if (topic == null || topic.isBlank() || maxWait == null || maxWait.isNegative()) {
                throw new IllegalArgumentException("the trainer service needs a topic and a --max-wait >= 0");
            }
            if (sftSamples < 0 || scheduleUpdates < 1) {
                throw new IllegalArgumentException("--sft-samples must be >= 0 and --schedule-updates >= 1, got "
                        + sftSamples + " and " + scheduleUpdates);
            }
            if (sftOnly(training) && sftSamples == 0) {
                throw new IllegalArgumentException(
                        "--objective SFT trains --sft-samples samples and stops: give --sft-samples > 0");
            }
        }
    }

    private static boolean sftOnly(TrainingSetup training) {
        return training.recipe().preference().objective() == Objective.SFT;
    }

    private final TrainingLoop loop;

    private TrainerService(TrainingLoop loop) {
        this.loop = loop;
    }

    /**
     * A stream's stages: SFT counted in samples (none when {@code sftSamples} is 0), then the preference stage's
     * schedule over its updates, or nothing (objective SFT: the run is done at the quota).
     */
    static StagePlan plan(Settings settings) {
        return new StagePlan(
                settings.sftSamples() > 0 ? Stage.SFT : Stage.PREFERENCE,
                StagePlan.Length.samples(settings.sftSamples()),
                sftOnly(settings.training()) ? Stage.DONE : Stage.PREFERENCE,
                StagePlan.Length.updates(settings.scheduleUpdates()));
    }

    /** Every sample trains, nothing is published. */
    public static TrainerService open(Settings settings, SampleIntake intake) throws IOException {
        return open(settings, intake, Publication.none(), TrainerMetrics.inMemory());
    }

    /** With the eval gate and publication of {@code publication}; meters in memory. */
    public static TrainerService open(Settings settings, SampleIntake intake, Publication publication)
            throws IOException {
        return open(settings, intake, publication, TrainerMetrics.inMemory());
    }

    /** Resumes from the run folder's newest checkpoint (or starts), subscribed to the topic through {@code intake}. */
    public static TrainerService open(
            Settings settings, SampleIntake intake, Publication publication, TrainerMetrics metrics)
            throws IOException {
        StagePlan plan = plan(settings);
        TrainingLoop.StartPoint start = TrainingLoop.StartPoint.of(settings.training(), plan);
        KafkaSampleFeed feed = new KafkaSampleFeed(
                intake, settings.topic(), settings.training().recipe().microBatch(), settings.maxWait());
        TrainingLoop loop = TrainingLoop.open(settings.training(), plan, start, feed, publication, metrics);
        // Before the first poll: a sample the loop's encoder refuses becomes a dead letter at intake.
        intake.checkEncodingWith(loop.encoder());
        return new TrainerService(loop);
    }

    /**
     * Trains until {@link #stop} is called, {@code maxUpdates} updates were made in this run, no
     * sample arrived for {@code idle}, or the plan is done (objective SFT at its quota); then checkpoints what was
     * trained since the last checkpoint.
     *
     * @return the updates made in this run
     */
    public long run(long maxUpdates, Duration idle) throws IOException {
        return loop.run(new RunLimits(maxUpdates, idle));
    }

    /** Asks {@link #run} to finish after the current micro-batch (and its checkpoint). */
    public void stop() {
        loop.stop();
    }

    @Override
    public void close() {
        loop.close();
    }
}
