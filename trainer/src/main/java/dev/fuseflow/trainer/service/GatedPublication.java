package dev.fuseflow.trainer.service;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.checkpoint.CheckpointStore;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.eval.CandidateMetric;
import dev.fuseflow.trainer.eval.CandidateScore;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.publish.EvalBucket;
import dev.fuseflow.trainer.publish.EvalGate;
import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.publish.Provenance;
import dev.fuseflow.trainer.publish.VersionPublisher;
import dev.fuseflow.trainer.training.Publication;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The eval gate and publication of a service run: samples in the eval bucket are kept (the newest
 * {@code maxEvalSamples}) instead of trained; every {@code evalEvery} WRPO updates the candidate is
 * scored on them against the frozen reference, judged by the {@link EvalGate} against the latest
 * published version, and either stored in the {@link ModelStore} with a PUBLISHED ModelVersion, or
 * recorded as REJECTED with the gate's reasons. In the SFT stage candidates are judged only when
 * the gate reads a metric that needs no reference.
 */
public final class GatedPublication implements Publication {

    private static final Logger LOG = LoggerFactory.getLogger(GatedPublication.class);

    /**
     * @param alpha      the candidate's rewards mix y_ws and y_wt as WRPO does at alpha_final
     * @param beta       WRPO's beta, for the rewards and the eval loss
     * @param provenance the starting model, training settings and build, written into every published manifest
     */
    public record Settings(
            String modelName,
            EvalBucket bucket,
            int maxEvalSamples,
            long evalEvery,
            Duration evalInterval,
            double alpha,
            double beta,
            Provenance provenance) {

        /** Settings whose versions carry no provenance. */
        public Settings(
                String modelName,
                EvalBucket bucket,
                int maxEvalSamples,
                long evalEvery,
                Duration evalInterval,
                double alpha,
                double beta) {
            this(modelName, bucket, maxEvalSamples, evalEvery, evalInterval, alpha, beta, Provenance.UNKNOWN);
        }

        public Settings {
            if (maxEvalSamples < 1 || evalEvery < 1) {
                throw new IllegalArgumentException(
                        "publication needs max eval samples >= 1 and eval every >= 1 update");
            }
            if (evalInterval.isNegative()) {
                throw new IllegalArgumentException(
                        "the eval interval must be >= 0 (0: by updates only), got " + evalInterval);
            }
        }
    }

    /** The eval set's file in the run folder. */
    static final String EVAL_SET = "eval-set.jsonl";

    /** 0 when a candidate was scored against no reference (SFT stage: summed log-likelihoods), 1 against the SFT model (WRPO). */
    public static final String STAGE_METRIC = "eval/stage";
    /** Metrics only a reference defines: not judged in the SFT stage, where candidates are scored without one. */
    static final List<String> REFERENCE_ONLY = List.of("eval/loss");

    private final String modelName;
    private final Provenance provenance;
    private final EvalBucket bucket;
    private final int maxEvalSamples;
    private final long evalEvery;
    private final Duration evalInterval;
    private long updatesAtLastEval;
    private long lastEvalNanos = System.nanoTime();
    private final CandidateScore scoring;
    private final EvalGate gate;
    private final ModelStore store;
    private final VersionPublisher versions;
    private final Deque<WrpoExample> evalSet = new ArrayDeque<>();
    /** Record times of the samples trained since the last published version: its freshness. */
    private final List<Long> unpublishedSampleTimes = new ArrayList<>();

    private long lastVersion;
    private NDManager servedScope;
    private CausalLanguageModel served;
    private long servedVersion = -1;

    private GatedPublication(
            Settings settings,
            EvalGate gate,
            List<CandidateMetric> candidateMetrics,
            ModelStore store,
            VersionPublisher versions,
            long lastVersion) {
        this.modelName = settings.modelName();
        this.provenance = settings.provenance();
        this.bucket = settings.bucket();
        this.maxEvalSamples = settings.maxEvalSamples();
        this.evalEvery = settings.evalEvery();
        this.evalInterval = settings.evalInterval();
        this.scoring = new CandidateScore(settings.alpha(), settings.beta(), candidateMetrics, 8);
        this.gate = gate;
        this.store = store;
        this.versions = versions;
        this.lastVersion = lastVersion;
    }

    /** The publication on the preference metrics alone. */
    public static GatedPublication open(Settings settings, EvalGate gate, ModelStore store, VersionPublisher versions)
            throws IOException {
        return open(settings, gate, List.of(), store, versions);
    }

    /**
     * The publication, numbering its versions after the store's newest.
     *
     * @param candidateMetrics scored for every candidate besides the preference metrics
     */
    public static GatedPublication open(
            Settings settings,
            EvalGate gate,
            List<CandidateMetric> candidateMetrics,
            ModelStore store,
            VersionPublisher versions)
            throws IOException {
        return new GatedPublication(
                settings, gate, candidateMetrics, store, versions, store.highestVersionNumber(settings.modelName()));
    }

    /** Keeps the sample for evaluation when its id is in the bucket; true means: do not train it. */
    @Override
    public boolean holdOut(WrpoExample example) {
        if (!bucket.heldOut(example.sampleId())) {
            return false;
        }
        // A restart re-reads what came after its checkpoint; a held-out sample saved before that is not added twice.
        if (evalSet.stream().noneMatch(kept -> kept.sampleId().equals(example.sampleId()))) {
            evalSet.addLast(example);
        }
        while (evalSet.size() > maxEvalSamples) {
            evalSet.removeFirst();
        }
        return true;
    }

    @Override
    public void trained(List<Long> sampleTimestamps) {
        unpublishedSampleTimes.addAll(sampleTimestamps);
    }

    /** Writes the eval set beside the checkpoints, so that a restart keeps it (held-out samples are never re-read). */
    @Override
    public void save(Path runFolder) throws IOException {
        List<WrpoExample> kept = List.copyOf(evalSet);
        CheckpointStore.writeFileAtomically(runFolder.resolve(EVAL_SET), temp -> WrpoExampleJsonl.write(temp, kept));
    }

    /** Restores the eval set a previous run saved; nothing when there is none. */
    @Override
    public void restore(Path runFolder) throws IOException {
        Path file = runFolder.resolve(EVAL_SET);
        if (Files.isRegularFile(file)) {
            WrpoExampleJsonl.read(file).forEach(this::holdOut);
        }
    }

    int evalSetSize() {
        return evalSet.size();
    }

    /** Whether SFT-stage candidates can be judged: the gate reads a metric that needs no reference. */
    boolean judgesWithoutReference() {
        return gate.without(REFERENCE_ONLY).isPresent();
    }

    /**
     * Every {@code evalEvery} updates, or after {@code evalInterval} with at least one update, whichever
     * comes first; in the SFT stage only when the gate can judge without a reference.
     */
    @Override
    public boolean due(RunState state) {
        if (state.stage() == Stage.SFT && !judgesWithoutReference()) {
            return false;
        }
        return dueAt(state.totalUpdates());
    }

    boolean dueAt(long totalUpdates) {
        if (evalSet.isEmpty() || totalUpdates == updatesAtLastEval) {
            return false;
        }
        boolean byUpdates = totalUpdates - updatesAtLastEval >= evalEvery;
        boolean byTime = !evalInterval.isZero() && System.nanoTime() - lastEvalNanos >= evalInterval.toNanos();
        return byUpdates || byTime;
    }

    /** Scores the candidate, applies the gate, and publishes or rejects it. */
    @Override
    public Outcome evaluate(Candidate candidate) throws IOException {
        RunState state = candidate.state();
        updatesAtLastEval = state.totalUpdates();
        lastEvalNanos = System.nanoTime();
        Block reference = candidate.reference().orElse(null);
        List<WrpoExample> evalSamples = new ArrayList<>(evalSet);
        Map<String, Double> metrics =
                score(candidate.policy(), reference, candidate.manager(), candidate.batcher(), evalSamples);
        Optional<ModelStore.Stored> published = store.current(modelName);
        EvalGate judged = reference == null ? gate.without(REFERENCE_ONLY).orElseThrow() : gate;
        // The published version is scored again, on the same eval samples against the same reference: a fair
        // comparison (its stored metrics came from an older eval set, perhaps another reference).
        Map<String, Double> baseline = published.isEmpty()
                ? Map.of()
                : score(
                        servedModel(published.get(), candidate),
                        reference,
                        candidate.manager(),
                        candidate.batcher(),
                        evalSamples);
        EvalGate.Decision decision = judged.judge(metrics, baseline);
        long version = ++lastVersion;
        Long parent = published.map(s -> s.manifest().version()).orElse(null);
        ModelStore.Manifest manifest = new ModelStore.Manifest(
                modelName,
                version,
                parent,
                state.totalUpdates(),
                state.trainedTotal(),
                state.position().offsets(),
                metrics,
                Map.of(),
                provenance);
        if (!decision.publish()) {
            store.recordRejected(manifest, decision.reasons());
            versions.write(
                    manifest, "", "", candidate.format().artifact(), ModelVersionStatus.REJECTED, decision.reasons());
            LOG.warn("candidate version {} of {} rejected: {}", version, modelName, decision.reasons());
            return new Outcome(version, ModelVersionStatus.REJECTED, List.of());
        }
        ModelStore.Stored stored = store.publish(candidate.format()::write, manifest);
        versions.write(
                stored.manifest(),
                stored.folder().toUri().toString(),
                stored.manifestSha256(),
                candidate.format().artifact(),
                ModelVersionStatus.PUBLISHED,
                List.of());
        LOG.info("published version {} of {} at {} ({})", version, modelName, stored.folder(), metrics);
        List<Long> fresh = List.copyOf(unpublishedSampleTimes);
        unpublishedSampleTimes.clear();
        return new Outcome(version, ModelVersionStatus.PUBLISHED, fresh);
    }

    private Map<String, Double> score(
            CausalLanguageModel model,
            Block reference,
            NDManager manager,
            PreferenceBatcher batcher,
            List<WrpoExample> samples) {
        Map<String, Double> metrics = new TreeMap<>(scoring.of(model, reference, manager, batcher, samples));
        metrics.put(STAGE_METRIC, reference == null ? 0.0 : 1.0);
        return metrics;
    }

    /** The published version's weights, loaded once per version in the candidate's data type. */
    private CausalLanguageModel servedModel(ModelStore.Stored published, Candidate candidate) throws IOException {
        long version = published.manifest().version();
        if (servedVersion != version) {
            if (servedScope != null) {
                servedScope.close();
            }
            servedScope = candidate.manager().newSubManager();
            DataType type =
                    candidate.policy().getParameters().valueAt(0).getArray().getDataType();
            served = candidate.format().load(published.folder(), servedScope, type);
            servedVersion = version;
        }
        return served;
    }
}
