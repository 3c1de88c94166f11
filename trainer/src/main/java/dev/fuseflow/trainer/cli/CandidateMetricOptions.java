package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.eval.CandidateMetric;
import java.util.List;
import picocli.CommandLine.Option;

/** Which plug-in metrics {@code serve}, {@code train} and {@code eval} score besides the preference metrics. */
final class CandidateMetricOptions {

    @Option(
            names = "--candidate-metrics",
            split = ",",
            description =
                    "Plug-in metrics scored besides the preference metrics (on serve's eval set, train's --eval-data,"
                            + " eval's --data), by name (default:"
                            + " every one on the class path; the skills demo's is skills-task-reward, giving eval/task_reward).")
    List<String> names;

    /** The chosen plug-ins; an unknown name is an error that lists the available ones. */
    List<CandidateMetric> chosen() {
        return names == null ? CandidateMetric.available() : CandidateMetric.named(names);
    }
}
