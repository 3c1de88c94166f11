package dev.fuseflow.trainer.eval;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.tokenizer.PromptResponseEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * A figure candidates are scored by besides the preference metrics every candidate gets
 * ({@code eval/rewards/accuracies}, {@code eval/rewards/margins}, {@code eval/loss}): a workload's
 * own task reward, for instance. Implementations are plug-ins found through {@link ServiceLoader}
 * ({@code META-INF/services/dev.fuseflow.trainer.eval.CandidateMetric}) and chosen by name.
 */
public interface CandidateMetric {

    /** The name a user chooses it by. */
    String name();

    /**
     * Scores {@code model} on the held-out samples (oldest first); empty when none of them is of the
     * kind this metric scores. Keys are the metric names the eval gate can read ({@code eval/...}).
     */
    Map<String, Double> score(
            CausalLanguageModel model, NDManager manager, PromptResponseEncoder encoder, List<WrpoExample> heldOut);

    /** Every plug-in on the class path. */
    static List<CandidateMetric> available() {
        List<CandidateMetric> found = new ArrayList<>();
        ServiceLoader.load(CandidateMetric.class).forEach(found::add);
        return found;
    }

    /** The plug-ins of these names; an unknown name is an error that lists the available ones. */
    static List<CandidateMetric> named(List<String> names) {
        List<CandidateMetric> available = available();
        List<CandidateMetric> chosen = new ArrayList<>();
        for (String name : names) {
            chosen.add(available.stream()
                    .filter(metric -> metric.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> {
                        TreeSet<String> known = new TreeSet<>();
                        available.forEach(metric -> known.add(metric.name()));
                        return new IllegalArgumentException(
                                "--candidate-metrics: no metric named '" + name + "' on the class path; available: "
                                        + (known.isEmpty() ? "none" : String.join(", ", known)));
                    }));
        }
        return chosen;
    }
}
