package dev.fuseflow.trainer.offline;

import ai.djl.ndarray.NDManager;
import dev.fuseflow.schemas.avro.ModelVersionStatus;
import dev.fuseflow.trainer.batch.PreferenceBatcher;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.eval.CandidateScore;
import dev.fuseflow.trainer.model.CausalLanguageModel;
import dev.fuseflow.trainer.report.MetricsCsv;
import dev.fuseflow.trainer.report.TrainingCurves;
import dev.fuseflow.trainer.training.Publication;
import dev.fuseflow.trainer.training.RunState;
import dev.fuseflow.trainer.training.Stage;
import dev.fuseflow.trainer.training.TrainingLoop;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * An offline run's learning curve on held-out samples: every {@code every} updates the policy is scored (against
 * the reference in the preference stage) and the row goes to {@code eval-<stage>.csv}, one file per stage because
 * the stages define different metrics; the SFT curve ends with the model the preference stage starts from.
 * Nothing is held out of training and nothing is published: the held-out samples come from their own file.
 */
final class PeriodicEvaluation implements Publication, AutoCloseable {

    private final List<WrpoExample> samples;
    private final long every;
    private final CandidateScore scoring;
    private final Path output;
    private final RunState start;
    private final PrintWriter console;
    private final Map<Stage, MetricsCsv> files = new EnumMap<>(Stage.class);
    private long lastEvaluated = -1;
    private long evaluations;
    private Map<String, Double> last = Map.of();

    /**
     * @param every 0: only the final model ({@link #evaluateFinal})
     * @param start where the run starts: a resumed run keeps the rows up to its checkpoint
     */
    PeriodicEvaluation(
            List<WrpoExample> samples,
            long every,
            CandidateScore scoring,
            Path output,
            RunState start,
            PrintWriter console) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("--eval-data holds no samples");
        }
        this.samples = List.copyOf(samples);
        this.every = every;
        this.scoring = scoring;
        this.output = output;
        this.start = start;
        this.console = console;
    }

    static String csvName(Stage stage) {
        return "eval-" + stage.label() + ".csv";
    }

    /** Every {@code every} updates, and when the preference stage begins: the SFT model it starts from. */
    @Override
    public boolean due(RunState state) {
        return every > 0
                && (state.totalUpdates() % every == 0 || startsPreference(state))
                && state.totalUpdates() != lastEvaluated;
    }

    private static boolean startsPreference(RunState state) {
        return state.stage() == Stage.PREFERENCE && state.stageUpdates() == 0;
    }

    private boolean evaluated(RunState state) {
        return state.totalUpdates() == lastEvaluated;
    }

    @Override
    public Outcome evaluate(Candidate candidate) throws IOException {
        score(candidate.policy(), candidate.reference(), candidate.manager(), candidate.batcher(), candidate.state());
        return new Outcome(++evaluations, ModelVersionStatus.CANDIDATE, List.of());
    }

    /**
     * On resuming: scores the checkpoint's model if an evaluation was due there and its row is missing (the previous
     * attempt checkpointed for it, then stopped while scoring). A due evaluation is otherwise checked after updates.
     */
    void catchUp(TrainingLoop loop) throws IOException {
        RunState state = loop.state();
        if (due(state) && !hasRow(state.totalUpdates())) {
            score(loop.policy(), loop.reference(), loop.manager(), loop.batcher(), state);
        }
    }

    private boolean hasRow(long step) throws IOException {
        for (Stage stage : List.of(Stage.SFT, Stage.PREFERENCE)) {
            Path csv = output.resolve(csvName(stage));
            if (Files.exists(csv) && MetricsCsv.read(csv).stream().anyMatch(row -> row.step() == step)) {
                return true;
            }
        }
        return false;
    }

    /** Scores the finished run's model, unless the last update's evaluation already did. */
    Map<String, Double> evaluateFinal(TrainingLoop loop) throws IOException {
        if (evaluated(loop.state())) {
            return last;
        }
        return score(loop.policy(), loop.reference(), loop.manager(), loop.batcher(), loop.state());
    }

    private Map<String, Double> score(
            CausalLanguageModel policy,
            Optional<CausalLanguageModel> reference,
            NDManager manager,
            PreferenceBatcher batcher,
            RunState state)
            throws IOException {
        // The preference stage's first candidate is the SFT model itself: the last row of the SFT curve.
        boolean endOfSft = startsPreference(state);
        Map<String, Double> metrics =
                scoring.of(policy, endOfSft ? null : reference.orElse(null), manager, batcher, samples);
        Stage stage = endOfSft ? Stage.SFT : stageOf(state, reference.isPresent());
        file(stage).append(state.totalUpdates(), stage.label(), metrics);
        lastEvaluated = state.totalUpdates();
        last = metrics;
        console.printf(
                Locale.ROOT, "eval at update %d (%s): %s%n", state.totalUpdates(), stage.label(), brief(metrics));
        console.flush();
        return metrics;
    }

    /** The stage a state's model was trained in; a finished run's is the last one it trained. */
    private static Stage stageOf(RunState state, boolean withReference) {
        if (state.stage() != Stage.DONE) {
            return state.stage();
        }
        return withReference ? Stage.PREFERENCE : Stage.SFT;
    }

    private MetricsCsv file(Stage stage) throws IOException {
        MetricsCsv csv = files.get(stage);
        if (csv == null) {
            csv = MetricsCsv.continuing(output.resolve(csvName(stage)), start.totalUpdates());
            files.put(stage, csv);
        }
        return csv;
    }

    /**
     * The curves of {@code eval-sft.csv} and {@code eval-preference.csv} over updates: {@code eval-preference.png}
     * (held-out preference accuracy and margin) and {@code eval-plugins.png} (every plug-in metric).
     */
    static List<Path> plot(Path runFolder, Path plots) throws IOException {
        // SFT's rewards are log-likelihoods and the preference stage's are against the reference: not one curve.
        TrainingCurves preference = new TrainingCurves();
        TrainingCurves all = new TrainingCurves();
        Set<String> names = new TreeSet<>();
        for (Stage stage : List.of(Stage.SFT, Stage.PREFERENCE)) {
            Path csv = runFolder.resolve(csvName(stage));
            if (Files.exists(csv)) {
                for (MetricsCsv.Row row : MetricsCsv.read(csv)) {
                    all.record(row.step(), row.metrics());
                    if (stage == Stage.PREFERENCE) {
                        preference.record(row.step(), row.metrics());
                    }
                    names.addAll(row.metrics().keySet());
                }
            }
        }
        List<String> plugins = names.stream()
                .filter(name ->
                        !name.startsWith("eval/rewards/") && !name.equals("eval/loss") && !name.equals("eval/samples"))
                .toList();
        List<Path> written = new ArrayList<>(preference.write(
                plots,
                List.of(new TrainingCurves.Chart(
                        "eval-preference",
                        "Held-out preference accuracy and margin (preference stage)",
                        List.of("eval/rewards/accuracies", "eval/rewards/margins")))));
        written.addAll(all.write(
                plots, List.of(new TrainingCurves.Chart("eval-plugins", "Held-out plug-in metrics", plugins))));
        return written;
    }

    private static String brief(Map<String, Double> metrics) {
        return metrics.entrySet().stream()
                .filter(e -> !e.getKey().equals("eval/samples"))
                .map(e -> String.format(Locale.ROOT, "%s %.4f", e.getKey().replaceFirst("^eval/", ""), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        files.values().forEach(MetricsCsv::close);
    }
}
