package dev.fuseflow.trainer.service;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.checkpoint.PartitionKeys;
import dev.fuseflow.trainer.checkpoint.TrainingCheckpoint;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.GradMode;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.objective.AlphaSchedule;
import dev.fuseflow.trainer.optim.AdamW;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;
import dev.fuseflow.trainer.tokenizer.ChatTemplate;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import dev.fuseflow.trainer.train.OptimizerStep;
import dev.fuseflow.trainer.train.PreferenceBatch;
import dev.fuseflow.trainer.train.ComputeDevice;
import dev.fuseflow.trainer.train.Precision;
import dev.fuseflow.trainer.train.SftStep;
import dev.fuseflow.trainer.train.UpdateSettings;
import dev.fuseflow.trainer.train.WrpoStep;
import dev.fuseflow.trainer.train.WrpoUpdate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming trainer: preference samples from Kafka in micro-batches, SFT on y_ws for the
 * first {@code sftSamples} samples, then WRPO with the SFT model frozen as the reference and alpha
 * ramped over {@code alphaRamp} updates, for as long as data arrives. Exactly once: a checkpoint
 * holds the weights, the optimizer, the stage and the offset after the last trained sample of each
 * partition, with the ids trained since the previous checkpoint; it is written durably before
 * Kafka's committed offsets follow, and a restart resumes from it, so samples trained after the
 * last checkpoint are trained again and never counted twice.
 */
public final class TrainerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
    static final String REFERENCE = "reference-model";
    static final String EVAL_SET = "eval-set.jsonl";

    /** The service's settings. */
    public record Settings(Path model, Path output, String topic, int microBatch, Duration maxWait, long sftSamples,
                           double sftLearningRate, double learningRate, long scheduleUpdates, double beta, double alphaFinal,
                           long alphaRamp, SequenceBudget budget, int checkpointEvery, int keepCheckpoints, Precision precision,
                           ComputeDevice device, int sftDedupeWindow) {

        public Settings {
            device = device == null ? ComputeDevice.AUTO : device;
            if (microBatch < 1 || checkpointEvery < 1 || keepCheckpoints < 1 || sftSamples < 0 || scheduleUpdates < 1) {
                throw new IllegalArgumentException("trainer service needs micro-batch >= 1, checkpoint-every >= 1, keep-checkpoints >= 1,"
                        + " sft-samples >= 0 and schedule-updates >= 1");
            }
        }
    }

    private final Settings settings;
    private final NDManager manager;
    private final CheckpointStore checkpoints;
    private final PromptResponseEncoder encoder;
    private final PreferenceBatcher batcher;
    private final SampleSource source;
    private final CausalLanguageModel policy;
    private ServiceState state;
    private long totalUpdates;
    private OptimizerStep step;
    private final RecentAnswers recentAnswers;
    private final Map<String, Long> offsets = new LinkedHashMap<>();
    private final List<String> trainedSinceCheckpoint = new ArrayList<>();
    private volatile boolean stopping;
    private final Publication publication;
    private CausalLanguageModel reference;
    private final TrainerMetrics metrics;
    /** Record times of the samples trained since the last published version: its freshness. */
    private final List<Long> unpublishedSampleTimes = new ArrayList<>();
    private final ExecutorService preparation = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "batch-preparation");
        thread.setDaemon(true);
        return thread;
    });

    public TrainerService(Settings settings, SampleIntake intake) throws IOException {
        this(settings, intake, null);
    }

    /** @param publication the eval gate and publication; null for none (every sample trains) */
    public TrainerService(Settings settings, SampleIntake intake, Publication publication) throws IOException {
        this(settings, intake, publication, TrainerMetrics.inMemory());
    }

    public TrainerService(Settings settings, SampleIntake intake, Publication publication, TrainerMetrics metrics) throws IOException {
        this.settings = settings;
        this.recentAnswers = new RecentAnswers(settings.sftDedupeWindow());
        this.metrics = metrics;
        this.publication = publication;
        this.manager = settings.device().newManager();
        this.checkpoints = new CheckpointStore(settings.output().resolve("checkpoints"), settings.keepCheckpoints());
        Optional<Path> newest = checkpoints.newest();
        ServiceState restored = newest.isPresent() ? TrainingCheckpoint.state(newest.get(), ServiceState.class) : ServiceState.start();
        // The next checkpoint continues this one: it is the parent in the audit lineage.
        this.state = new ServiceState(restored.stage(), restored.stageUpdates(), restored.sftSamples(), restored.offsets(), List.of(),
                newest.map(p -> p.getFileName().toString()).orElse(null), restored.trainedTotal());
        this.totalUpdates = newest.map(CheckpointStore::step).orElse(0L);
        this.offsets.putAll(state.offsets());
        var tokenizer = ModelDirectory.tokenizer(settings.model());
        this.encoder = new PromptResponseEncoder(tokenizer, ChatTemplate.forTokenizer(tokenizer));
        this.batcher = new PreferenceBatcher(encoder, settings.budget(), 0);
        this.policy = ModelDirectory.load(newest.orElse(settings.model()), manager, settings.precision().computeType());
        this.step = state.stage().equals(ServiceState.SFT) ? sftStep() : wrpoStep();
        if (newest.isPresent() && state.stageUpdates() > 0) {
            TrainingCheckpoint.restoreOptimizer(newest.get(), step);
        }
        Map<TopicPartition, Long> resumeAt = new LinkedHashMap<>();
        offsets.forEach((key, offset) -> resumeAt.put(PartitionKeys.parse(key), offset));
        this.source = new SampleSource(intake, settings.topic(), resumeAt);
        if (publication != null) {
            publication.restoreEvalSet(settings.output().resolve(EVAL_SET));
        }
        LOG.info("trainer service starts at {} ({} updates, stage {}, offsets {})", newest.map(Path::getFileName).orElse(null),
                totalUpdates, state.stage(), offsets);
    }

    /**
     * Trains until {@link #stop} is called, {@code maxUpdates} updates were made in this run, or no
     * sample arrived for {@code idle}; then checkpoints what was trained since the last checkpoint.
     *
     * @return the updates made in this run
     */
    public long run(long maxUpdates, Duration idle) throws IOException {
        GradMode.offForThisThread();
        long done = 0;
        long lastSample = System.nanoTime();
        Prepared current = prepare(source.next(settings.microBatch(), settings.maxWait()));
        while (!stopping && done < maxUpdates && System.nanoTime() - lastSample < idle.toNanos()) {
            // The next micro-batch is fetched here and tokenized on the preparation thread while this one trains.
            Prepared next = prepare(source.next(settings.microBatch(), settings.maxWait()));
            if (!current.samples().isEmpty()) {
                lastSample = System.nanoTime();
            }
            metrics.lag(source.lag());
            if (current.trainable().isEmpty()) {
                consumedWithoutTraining(current.samples());
            } else {
                train(current, current.batch().join());
                done++;
                metrics.maybeLog(state.stage(), alpha());
                if (state.stage().equals(ServiceState.SFT) && state.sftSamples() >= settings.sftSamples()) {
                    switchToWrpo();                                        // checkpoints the switch
                }
                publishIfDue();                                            // checkpoints first if anything trained since
                if (totalUpdates % settings.checkpointEvery() == 0 && !trainedSinceCheckpoint.isEmpty()) {
                    checkpoint();
                }
            }
            current = next;
        }
        // A fetched but untrained micro-batch is dropped: the checkpoint's offsets stop before it.
        if (!trainedSinceCheckpoint.isEmpty()) {
            checkpoint();
        }
        return done;
    }

    /**
     * Consumed samples, those of them that train (the eval bucket's are kept aside for the gate),
     * and their tokenized batch, being made on the preparation thread.
     */
    private record Prepared(List<ConsumedSample> samples, List<WrpoExample> trainable, CompletableFuture<PreferenceBatch> batch) {
    }

    private Prepared prepare(List<ConsumedSample> samples) {
        boolean sft = state.stage().equals(ServiceState.SFT);
        List<WrpoExample> trainable = samples.stream().map(ConsumedSample::example).filter(Objects::nonNull)
                .filter(example -> publication == null || !publication.holdOut(example))
                .filter(example -> !sft || recentAnswers.firstSeen(example)).toList();
        return new Prepared(samples, trainable, trainable.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> batcher.batch(trainable), preparation));
    }

    /** Asks {@link #run} to finish after the current micro-batch (and its checkpoint). */
    public void stop() {
        stopping = true;
    }

    /** Held-out samples move the offsets on without an update. */
    private void consumedWithoutTraining(List<ConsumedSample> samples) {
        for (ConsumedSample s : samples) {
            offsets.merge(PartitionKeys.of(s.partition()), s.nextOffset(), Math::max);
        }
    }

    private void publishIfDue() throws IOException {
        boolean wrpo = state.stage().equals(ServiceState.WRPO);
        if (publication != null && (wrpo || publication.judgesWithoutReference()) && publication.due(totalUpdates)) {
            if (!trainedSinceCheckpoint.isEmpty()) {
                checkpoint();                      // DESIGN.md: a version covers only what a durable checkpoint covers
            }
            Publication.Outcome outcome = publication.evaluate(policy, wrpo ? reference : null, manager, batcher,
                    new Publication.Candidate(totalUpdates, state.trainedTotal(), Map.copyOf(offsets)), settings.model());
            if (outcome.status() == ModelVersionStatus.PUBLISHED) {
                metrics.published(outcome.version(), unpublishedSampleTimes, System.currentTimeMillis());
                unpublishedSampleTimes.clear();
            }
        }
    }

    private void train(Prepared prepared, PreferenceBatch batch) {
        List<ConsumedSample> samples = prepared.samples();
        boolean applied;
        Map<String, Double> figures;
        long tokens;
        if (step instanceof SftStep sft) {
            SftStep.Outcome outcome = sft.apply(batch.sourceChosen());
            applied = outcome.applied();
            figures = Map.of("loss", outcome.loss(), "grad_norm", outcome.gradNorm());
            tokens = realTokens(batch.sourceChosen());
        } else {
            WrpoStep.Outcome outcome = ((WrpoUpdate) step).apply(batch, alpha(), settings.beta());
            applied = outcome.applied();
            figures = outcome.metrics();
            tokens = realTokens(batch.sourceChosen()) + realTokens(batch.targetChosen()) + realTokens(batch.rejected());
        }
        metrics.update(step instanceof WrpoUpdate, alpha(), figures, prepared.trainable().size(), tokens, applied);
        prepared.trainable().forEach(example -> trainedSinceCheckpoint.add(example.sampleId()));
        if (publication != null) {                 // freshness is measured at publication; without one there is none
            Set<String> trainedIds = prepared.trainable().stream().map(WrpoExample::sampleId).collect(Collectors.toSet());
            samples.stream().filter(s -> s.example() != null && trainedIds.contains(s.example().sampleId()))
                    .forEach(s -> unpublishedSampleTimes.add(s.timestampMillis()));
        }
        consumedWithoutTraining(samples);
        totalUpdates++;
        int trained = prepared.trainable().size();
        boolean sft = state.stage().equals(ServiceState.SFT);
        state = new ServiceState(state.stage(), state.stageUpdates() + 1, state.sftSamples() + (sft ? trained : 0), state.offsets(),
                state.trainedSamples(), state.parent(), state.trainedTotal() + trained);
    }

    private double alpha() {
        return state.stage().equals(ServiceState.WRPO)
                ? new AlphaSchedule(settings.alphaFinal(), settings.alphaRamp()).alpha(state.stageUpdates()) : 0.0;
    }

    private static long realTokens(PreferenceBatch.Sequences sequences) {
        long count = 0;
        for (long[] row : sequences.attention()) {
            for (long real : row) {
                count += real;
            }
        }
        return count;
    }

    /** The paper's switch: the SFT model becomes the frozen reference and the start of WRPO. */
    private void switchToWrpo() throws IOException {
        CheckpointStore.writeAtomically(settings.output().resolve(REFERENCE), folder -> ModelDirectory.save(policy, folder,
                settings.model()));
        state = new ServiceState(ServiceState.WRPO, 0, state.sftSamples(), state.offsets(), state.trainedSamples(), state.parent(),
                state.trainedTotal());
        step = wrpoStep();
        checkpoint();
        LOG.info("SFT stage done after {} samples; WRPO starts with the SFT model as the reference", state.sftSamples());
    }

    private void checkpoint() throws IOException {
        ServiceState saved = new ServiceState(state.stage(), state.stageUpdates(), state.sftSamples(), Map.copyOf(offsets),
                List.copyOf(trainedSinceCheckpoint), state.parent(), state.trainedTotal());
        long started = System.nanoTime();
        if (publication != null) {
            publication.saveEvalSet(settings.output().resolve(EVAL_SET));       // before: a duplicate is ignored, a gap is not
        }
        Path written = checkpoints.write(totalUpdates, folder -> TrainingCheckpoint.write(folder, policy, settings.model(), step, saved));
        metrics.checkpoint(System.nanoTime() - started, CheckpointStore.size(written));
        // Only now, with the checkpoint durable, may Kafka's committed offsets move.
        Map<TopicPartition, Long> commit = new LinkedHashMap<>();
        offsets.forEach((key, offset) -> commit.put(PartitionKeys.parse(key), offset));
        source.commit(commit);
        trainedSinceCheckpoint.clear();
        state = new ServiceState(saved.stage(), saved.stageUpdates(), saved.sftSamples(), saved.offsets(), List.of(),
                written.getFileName().toString(), saved.trainedTotal());
    }

    /**
     * SFT's cosine runs over the stage's own length, its {@code sftSamples} trained samples, read
     * at the samples trained so far: counted in updates it decayed to its floor long before the
     * stage ended, because deduplication leaves micro-batches of varying size (measured in the demo:
     * the rate reached its floor at update 2,700 of 6,200, a third of the way through the stage, and
     * a skill not learned by then stayed unlearned).
     */
    private SftStep sftStep() {
        return new SftStep(policy, manager, updateSettings(settings.sftLearningRate(), Math.max(1, settings.sftSamples()))
                .scheduledBy(() -> state.sftSamples()));
    }

    private WrpoUpdate wrpoStep() throws IOException {
        Path referenceDir = settings.output().resolve(REFERENCE);
        reference = ModelDirectory.load(Files.isDirectory(referenceDir) ? referenceDir : settings.model(), manager,
                settings.precision().computeType());
        return WrpoUpdate.on(settings.device(), policy, reference, manager,
                updateSettings(settings.learningRate(), settings.scheduleUpdates()));
    }

    /** A cosine from {@code peak} to a tenth of it over {@code length} (10% warm-up), AdamW, clipping at 1. */
    private UpdateSettings updateSettings(double peak, long length) {
        CosineWarmupSchedule schedule = new CosineWarmupSchedule(peak, peak / 10, Math.max(1, length / 10), length);
        return new UpdateSettings(schedule, AdamW.Settings.PYTORCH, 1.0, 1, settings.precision());
    }

    @Override
    public void close() {
        preparation.shutdownNow();
        source.close();
        encoder.close();
        manager.close();
    }
}
