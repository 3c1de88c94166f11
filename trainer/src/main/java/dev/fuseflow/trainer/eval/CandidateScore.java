package dev.fuseflow.trainer.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a model is judged by on held-out samples: the preference metrics of {@link PreferenceEvaluator}
 * (against the reference where there is one) and each plug-in {@link CandidateMetric}. The service's eval gate
 * and an offline run's periodic evaluation score the same way.
 *
 * @param alpha     alpha_final of the chosen reward
 * @param beta      the preference stage's beta
 * @param plugins   the plug-in metrics
 * @param microBatch samples per scoring forward pass
 */
public record CandidateScore(double alpha, double beta, List<CandidateMetric> plugins, int microBatch) {

    public CandidateScore {
        plugins = List.copyOf(plugins);
    }

    /** The metrics of {@code model} on {@code samples}; {@code reference} null scores by log-likelihood. */
    public Map<String, Double> of(
            CausalLanguageModel model,
            Block reference,
            NDManager manager,
            PreferenceBatcher batcher,
            List<WrpoExample> samples) {
        EvalReport report =
                new PreferenceEvaluator(model, reference, manager, alpha, beta).evaluate(samples, batcher, microBatch);
        Map<String, Double> metrics = new TreeMap<>(report.metrics());
        for (CandidateMetric metric : plugins) {
            metrics.putAll(metric.score(model, manager, batcher.encoder(), samples));
        }
        return metrics;
    }
}
