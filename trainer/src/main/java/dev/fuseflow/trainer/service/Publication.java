package dev.fuseflow.trainer.service;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.eval.EvalReport;
import dev.fuseflow.trainer.eval.PreferenceEvaluator;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.publish.EvalBucket;
import dev.fuseflow.trainer.publish.EvalGate;
import dev.fuseflow.trainer.publish.ModelStore;
import dev.fuseflow.trainer.publish.VersionPublisher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The eval gate and publication of a service run: samples in the eval bucket are kept (the newest
 * {@code maxEvalSamples}) instead of trained; every {@code evalEvery} WRPO updates the candidate is
 * scored on them against the frozen reference, judged by the {@link EvalGate} against the latest
 * published version, and either stored in the {@link ModelStore} with a PUBLISHED ModelVersion, or
 * recorded as REJECTED with the gate's reasons.
 */
public final class Publication {

    private static final Logger LOG = LoggerFactory.getLogger(Publication.class);

    /**
     * @param alpha the candidate's rewards mix y_ws and y_wt as WRPO does at alpha_final
     * @param beta  WRPO's beta, for the rewards and the eval loss
     */
    public record Settings(String modelName, EvalBucket bucket, int maxEvalSamples, long evalEvery, double alpha, double beta) {

        public Settings {
            if (maxEvalSamples < 1 || evalEvery < 1) {
                throw new IllegalArgumentException("publication needs max eval samples >= 1 and eval every >= 1 update");
            }
        }
    }

    private final String modelName;
    private final EvalBucket bucket;
    private final int maxEvalSamples;
    private final long evalEvery;
    private final double alpha;
    private final double beta;
    private final EvalGate gate;
    private final ModelStore store;
    private final VersionPublisher versions;
    private final Deque<WrpoExample> evalSet = new ArrayDeque<>();
    private long lastVersion;

    public Publication(Settings settings, EvalGate gate, ModelStore store, VersionPublisher versions) throws IOException {
        this.modelName = settings.modelName();
        this.bucket = settings.bucket();
        this.maxEvalSamples = settings.maxEvalSamples();
        this.evalEvery = settings.evalEvery();
        this.alpha = settings.alpha();
        this.beta = settings.beta();
        this.gate = gate;
        this.store = store;
        this.versions = versions;
        this.lastVersion = store.latest(settings.modelName()).map(s -> s.manifest().version()).orElse(0L);
    }

    /** Keeps the sample for evaluation when its id is in the bucket; true means: do not train it. */
    boolean holdOut(WrpoExample example) {
        if (!bucket.heldOut(example.sampleId())) {
            return false;
        }
        evalSet.addLast(example);
        while (evalSet.size() > maxEvalSamples) {
            evalSet.removeFirst();
        }
        return true;
    }

    boolean due(long stageUpdates) {
        return stageUpdates > 0 && stageUpdates % evalEvery == 0 && !evalSet.isEmpty();
    }

    /** Scores the candidate, applies the gate, and publishes or rejects it. Returns the new version's status. */
    ModelVersionStatus evaluate(CausalLanguageModel policy, Block reference, NDManager manager, PreferenceBatcher batcher,
                                Candidate candidate, Path tokenizerSource) throws IOException {
        EvalReport report = new PreferenceEvaluator(policy, reference, manager, alpha, beta)
                .evaluate(new ArrayList<>(evalSet), batcher, 8);
        Map<String, Double> metrics = report.metrics();
        Optional<ModelStore.Stored> published = store.latest(modelName);
        EvalGate.Decision decision = gate.judge(metrics, published.map(s -> s.manifest().metrics()).orElse(Map.of()));
        long version = ++lastVersion;
        Long parent = published.map(s -> s.manifest().version()).orElse(null);
        ModelStore.Manifest manifest = new ModelStore.Manifest(modelName, version, parent, candidate.trainerStep(),
                candidate.samplesTrained(), candidate.offsets(), metrics, Map.of());
        if (!decision.publish()) {
            versions.write(manifest, "", "", ModelVersionStatus.REJECTED, decision.reasons());
            LOG.warn("candidate version {} of {} rejected: {}", version, modelName, decision.reasons());
            return ModelVersionStatus.REJECTED;
        }
        ModelStore.Stored stored = store.publish(folder -> ModelDirectory.save(policy, folder, tokenizerSource), manifest);
        versions.write(stored.manifest(), stored.folder().toUri().toString(), stored.manifestSha256(), ModelVersionStatus.PUBLISHED,
                List.of());
        LOG.info("published version {} of {} at {} ({})", version, modelName, stored.folder(), metrics);
        return ModelVersionStatus.PUBLISHED;
    }

    /** What the candidate covers, for its manifest. */
    record Candidate(long trainerStep, long samplesTrained, Map<String, Long> offsets) {
    }
}
