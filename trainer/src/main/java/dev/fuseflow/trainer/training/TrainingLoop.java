package dev.fuseflow.trainer.training;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.checkpoint.TrainedLedger;
import dev.fuseflow.trainer.checkpoint.TrainingCheckpoint;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.GradMode;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import dev.fuseflow.trainer.train.PreferenceBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one training core, for {@code serve} (Kafka micro-batches) and {@code train} (a file): the
 * stages of the plan in order (SFT on y_ws, then WRPO or DPO with the SFT model frozen as the
 * reference), micro-batches accumulated into updates, checkpoints, and candidates for publication.
 * The next micro-batch is read and tokenized on the preparation thread while the current one
 * trains, under the rules of the stage it will train in.
 *
 * <p>Exactly once: a checkpoint holds the weights, the optimizer, the run's state with the feed's
 * position after the last trained sample and the ids trained since the previous checkpoint; it is
 * durable before the feed is told (Kafka's committed offsets follow it), and a restart resumes from
 * it, so samples trained after the last checkpoint train again and are never counted twice.
 */
public final class TrainingLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    /** The checkpoints' folder in a run folder. */
    public static final String CHECKPOINTS = "checkpoints";
    /** The SFT model, frozen as the preference stage's reference. */
    public static final String REFERENCE = "reference-model";

    /**
     * Where a run folder stands: its newest complete checkpoint and the state saved there, or a fresh
     * start in the plan's first stage.
     */
    public record StartPoint(Optional<Path> checkpoint, RunState state) {

        public static StartPoint of(TrainingSetup setup, StagePlan plan) throws IOException {
            Optional<Path> newest = new CheckpointStore(setup.checkpoints(), setup.keepCheckpoints()).newest();
            return new StartPoint(
                    newest, newest.isPresent() ? RunStateCodec.read(newest.get()) : RunState.start(plan.first()));
        }
    }

    /** A micro-batch made ready for a stage: the samples it trains and their batch, being tokenized. */
    private record Prepared(
            MicroBatch batch,
            Stage stage,
            List<WrpoExample> trainable,
            List<Long> trainableTimestamps,
            CompletableFuture<PreferenceBatch> tokenized) {}

    private final TrainingSetup setup;
    private final StagePlan plan;
    private final NDManager manager;
    private final CheckpointStore checkpoints;
    private final PromptResponseEncoder encoder;
    private final PreferenceBatcher batcher;
    private final PolicyWeights weights;
    private final CausalLanguageModel policy;
    private final SampleFeed feed;
    private final Publication publication;
    private final TrainingListener listener;
    private final ExecutorService preparation = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "batch-preparation");
        thread.setDaemon(true);
        return thread;
    });
    private TrainingStage stage;
    private RunState state;
    /** Micro-batches trained since the last update (gradients accumulated, not yet applied). */
    private int pending;

    private volatile boolean stopping;

    /** What a loop talks to: where samples come from, where candidates go, who listens. */
    private record Surroundings(SampleFeed feed, Publication publication, TrainingListener listener) {}

    private TrainingLoop(
            TrainingSetup setup,
            StagePlan plan,
            NDManager manager,
            PromptResponseEncoder encoder,
            PolicyWeights weights,
            CausalLanguageModel policy,
            Surroundings surroundings,
            RunState state)
            throws IOException {
        this.setup = setup;
        this.plan = plan;
        this.manager = manager;
        this.checkpoints = new CheckpointStore(setup.checkpoints(), setup.keepCheckpoints());
        this.encoder = encoder;
        this.batcher = new PreferenceBatcher(encoder, setup.budget(), 0);
        this.weights = weights;
        this.policy = policy;
        this.feed = surroundings.feed();
        this.publication = surroundings.publication();
        this.listener = surroundings.listener();
        this.state = state;
    }

    /**
     * Loads the policy (from the newest checkpoint, else the starting model), builds the stage it
     * stands in and restores that stage's optimizer mid-stage; the loop owns {@code feed} from here.
     */
    public static TrainingLoop open(
            TrainingSetup setup,
            StagePlan plan,
            StartPoint start,
            SampleFeed feed,
            Publication publication,
            TrainingListener listener)
            throws IOException {
        NDManager manager = setup.device().newManager();
        try {
            var tokenizer = ModelDirectory.tokenizer(setup.model());
            PromptResponseEncoder encoder = PromptResponseEncoder.forModel(setup.model(), tokenizer);
            PolicyWeights weights = PolicyWeights.of(setup);
            CausalLanguageModel policy = weights.open(start, manager);
            if (setup.budget().maxLength() > policy.contextLength()) {
                throw new IllegalArgumentException(
                        "--max-length " + setup.budget().maxLength() + " exceeds the model's context of "
                                + policy.contextLength() + " positions");
            }
            TrainingLoop loop = new TrainingLoop(
                    setup,
                    plan,
                    manager,
                    encoder,
                    weights,
                    policy,
                    new Surroundings(feed, publication, listener),
                    start.state());
            loop.stage = loop.build(start.state().stage());
            RunState resumed = start.state();
            if (start.checkpoint().isPresent() && (resumed.stageMicroBatches() > 0 || resumed.stageUpdates() > 0)) {
                TrainingCheckpoint.restoreOptimizer(
                        start.checkpoint().get(), loop.stage.step()); // each stage starts its own AdamW
            }
            publication.restore(setup.output());
            LOG.info(
                    "training starts at {} ({} updates, stage {}, position {})",
                    start.checkpoint()
                            .map(Path::getFileName)
                            .map(Path::toString)
                            .orElse("the starting model"),
                    resumed.totalUpdates(),
                    resumed.stage(),
                    resumed.position());
            return loop;
        } catch (IOException | RuntimeException e) {
            feed.close();
            manager.close();
            throw e;
        }
    }

    /**
     * Trains until the plan is done, {@link #stop} is called, or a limit is reached; then applies an
     * unfinished accumulation cycle and checkpoints what trained since the last checkpoint.
     *
     * @return the updates made in this run
     */
    public long run(RunLimits limits) throws IOException {
        GradMode.offForThisThread();
        long updatesAtStart = state.totalUpdates();
        long lastSample = System.nanoTime();
        Optional<Prepared> current = fetch(state.stage());
        while (state.stage() != Stage.DONE
                && !stopping
                && state.totalUpdates() - updatesAtStart < limits.maxUpdates()
                && System.nanoTime() - lastSample < limits.idle().toNanos()) {
            if (current.isEmpty()) {
                current = nextStage();
                continue;
            }
            if (!current.get().batch().samples().isEmpty()) {
                lastSample = System.nanoTime();
            }
            current = consumeAndReadOn(current.get());
        }
        if (pending > 0) {
            stage.step().flushPending(); // the unfinished cycle's gradients
            state = state.updateApplied();
            pending = 0;
        }
        // A read but untrained micro-batch is dropped: the checkpoint's position stops before it.
        if (state.trainedSinceCheckpoint()) {
            checkpoint();
        }
        return state.totalUpdates() - updatesAtStart;
    }

    /** The stage's data is used up: the next stage begins, and its first micro-batch is read. */
    private Optional<Prepared> nextStage() throws IOException {
        enter(plan.after(state.stage()));
        return state.stage() == Stage.DONE ? Optional.empty() : fetch(state.stage());
    }

    /**
     * Reads the next micro-batch while {@code now} trains, then checkpoints, switches the stage and
     * publishes as due; returns the next micro-batch, prepared for the stage it trains in.
     */
    private Optional<Prepared> consumeAndReadOn(Prepared now) throws IOException {
        Stage expected = stageAfter(now);
        Optional<Prepared> next = expected == Stage.DONE ? Optional.empty() : fetch(expected);
        listener.lag(feed.lag());
        boolean updated = consume(now, expected);
        Stage following = stageAfterConsuming(now);
        boolean switched = following != state.stage();
        if (switched) {
            enter(following);
        } else if (updated) {
            checkpointIfDue();
        }
        if (updated || switched) {
            publishIfDue();
        }
        return next.map(
                prepared -> prepared.stage() == state.stage() ? prepared : prepare(prepared.batch(), state.stage()));
    }

    /** Asks {@link #run} to finish after the current micro-batch (and its checkpoint). */
    public void stop() {
        stopping = true;
    }

    public RunState state() {
        return state;
    }

    public CausalLanguageModel policy() {
        return policy;
    }

    /** Writes the policy as it is now as a version: a whole model, or a LoRA run's adapter of the starting model. */
    public void writeVersion(Path folder) throws IOException {
        weights.write(folder);
    }

    /** The current stage's frozen reference; empty in SFT. */
    public Optional<CausalLanguageModel> reference() {
        return stage.reference();
    }

    public NDManager manager() {
        return manager;
    }

    public PreferenceBatcher batcher() {
        return batcher;
    }

    /** Updates skipped so far by the current stage's step for a non-finite loss or gradient. */
    public long skippedUpdates() {
        return stage.step().skippedUpdates();
    }

    /** Trains a micro-batch, or passes it; true when that ended an update. */
    private boolean consume(Prepared now, Stage expected) {
        if (!feed.isCurrent(now.batch())) {
            // Read before the feed was repositioned (a rebalance): its samples come again from the trained position.
            LOG.info(
                    "dropped a micro-batch of {} samples read before the feed was repositioned",
                    now.batch().samples().size());
            return false;
        }
        if (now.trainable().isEmpty()) {
            state = state.passed(now.batch());
            return false;
        }
        PreferenceBatch batch = now.tokenized().join();
        boolean cycleEnds = pending + 1 == setup.recipe().optimization().accumulation()
                || now.batch().lastOfEpoch()
                || expected != state.stage();
        StepReport report = stage.train(batch, state);
        if (cycleEnds && pending + 1 < setup.recipe().optimization().accumulation()) {
            stage.step().flushPending(); // a short last cycle
        }
        pending = cycleEnds ? 0 : pending + 1;
        state = state.trained(
                now.batch(), now.trainable().stream().map(WrpoExample::sampleId).toList(), cycleEnds);
        publication.trained(now.trainableTimestamps());
        listener.trained(state, report);
        return cycleEnds;
    }

    /** The stage after {@code now}, assuming it trains: what its samples are prepared for. */
    private Stage stageAfter(Prepared now) {
        boolean quotaReached = state.stage() == Stage.SFT
                && plan.sft().inSamples()
                && state.sftSamples() + now.trainable().size() >= plan.sft().count();
        return now.batch().lastOfStage() || quotaReached ? plan.after(state.stage()) : state.stage();
    }

    /** The stage after {@code now} as it went (a dropped micro-batch moves nothing). */
    private Stage stageAfterConsuming(Prepared now) {
        boolean consumed = feed.isCurrent(now.batch());
        return consumed && now.batch().lastOfStage() || plan.quotaReached(state)
                ? plan.after(state.stage())
                : state.stage();
    }

    private Optional<Prepared> fetch(Stage upcoming) {
        return feed.next(upcoming, state.position()).map(batch -> prepare(batch, upcoming));
    }

    /** Picks the samples {@code upcoming} trains (the eval bucket's are held out) and tokenizes them on the preparation thread. */
    private Prepared prepare(MicroBatch batch, Stage upcoming) {
        List<WrpoExample> usable = new ArrayList<>();
        List<Long> timestamps = new ArrayList<>();
        for (FedSample sample : batch.samples()) {
            if (sample.example().isPresent()
                    && !publication.holdOut(sample.example().get())) {
                usable.add(sample.example().get());
                timestamps.add(sample.timestampMillis());
            }
        }
        // A stage not built yet is the preference stage, which trains every usable sample.
        List<WrpoExample> trainable = upcoming == stage.stage() ? stage.trainable(usable) : usable;
        List<Long> trainableTimestamps = new ArrayList<>();
        for (int i = 0, t = 0; i < usable.size() && t < trainable.size(); i++) {
            if (usable.get(i) == trainable.get(t)) {
                trainableTimestamps.add(timestamps.get(i));
                t++;
            }
        }
        return new Prepared(
                batch,
                upcoming,
                trainable,
                trainableTimestamps,
                trainable.isEmpty()
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.supplyAsync(() -> batcher.batch(trainable), preparation));
    }

    /** The next stage begins; leaving SFT, the SFT model becomes the frozen reference. The switch is checkpointed. */
    private void enter(Stage next) throws IOException {
        if (state.stage() == Stage.SFT) {
            weights.leaveSft();
        }
        long sftSamples = state.sftSamples();
        state = state.startingStage(next);
        if (next != Stage.DONE) {
            stage = build(next);
        }
        checkpoint();
        if (next == Stage.DONE) {
            LOG.info(
                    "training is done after {} updates ({} samples trained by SFT): no stage follows",
                    state.totalUpdates(),
                    sftSamples);
        } else {
            LOG.info(
                    "stage {} begins after {} updates ({} samples trained by SFT)",
                    next,
                    state.totalUpdates(),
                    sftSamples);
        }
        listener.stageStarted(state);
    }

    private TrainingStage build(Stage which) throws IOException {
        Stage building = which == Stage.DONE ? lastTrainingStage() : which;
        StagePlan.Length length = plan.length(building);
        if (building == Stage.SFT) {
            return new SftStage(policy, manager, setup.recipe(), length, () -> state.sftSamples());
        }
        return new PreferenceStage(setup.device(), policy, weights.reference(manager), manager, setup.recipe(), length);
    }

    /** The stage a finished run ended in: its step is what the final checkpoint keeps. */
    private Stage lastTrainingStage() {
        return plan.afterSft() == Stage.DONE ? Stage.SFT : Stage.PREFERENCE;
    }

    private void checkpointIfDue() throws IOException {
        if (state.trainedSinceCheckpoint()
                && state.totalUpdates() % setup.recipe().checkpointEvery() == 0) {
            checkpoint();
        }
    }

    private void publishIfDue() throws IOException {
        if (!publication.due(state)) {
            return;
        }
        if (state.trainedSinceCheckpoint()) {
            checkpoint(); // docs/design.md: a version covers only what a durable checkpoint covers
        }
        listener.published(publication.evaluate(
                new Publication.Candidate(policy, stage.reference(), manager, batcher, state, weights)));
    }

    private void checkpoint() throws IOException {
        long started = System.nanoTime();
        publication.save(setup.output()); // before: a duplicate is ignored, a gap is not
        RunStateCodec.Json saved = RunStateCodec.toJson(state);
        TrainedLedger.Entry trained =
                RunStateCodec.ledgerEntry(CheckpointStore.folderName(state.totalUpdates()), state);
        Path written = checkpoints.write(state.totalUpdates(), folder -> {
            TrainingCheckpoint.write(folder, weights::writeCheckpoint, stage.step(), saved);
            // Durable before the checkpoint is: the audit's record outlives the folder that retention prunes.
            TrainedLedger.write(setup.checkpoints(), trained);
        });
        listener.checkpointed(written, System.nanoTime() - started, CheckpointStore.size(written));
        feed.checkpointed(state.position()); // only now, with the checkpoint durable, may Kafka's offsets move
        state = state.checkpointedAs(written.getFileName().toString());
    }

    @Override
    public void close() {
        preparation.shutdownNow();
        feed.close();
        encoder.close();
        manager.close();
    }

    /** How samples become token ids (the model's tokenizer, chat template and special tokens). */
    public PromptResponseEncoder encoder() {
        return encoder;
    }
}
