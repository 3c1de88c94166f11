package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.report.MetricsCsv;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The offline commands end to end on the SHOUT workload and the tiny Llama: init-model,
 * train (SFT then WRPO, checkpoints, CSV, plots, held-out eval), eval, and resumes from checkpoints
 * taken mid-SFT and mid-WRPO that finish bit-for-bit where the uninterrupted run finished.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainCommandTest {

    private static final int UPDATES_SFT = 8; // 64 samples / 16 per micro-batch x 2 epochs
    private static final int UPDATES_WRPO = 24; // 128 samples / 16 x 3 epochs

    @TempDir
    static Path dir;

    private static Path start;
    private static Path data;
    private static Path eval;
    private static Run first;

    record Run(int exit, String out, String err) {}

    static Run run(Map<String, String> env, String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = TrainerCommand.commandLine(args, env);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String[] train(Path output, String... extra) {
        return trainArgs(start, data, eval, "3e-3", output, extra);
    }

    /** The offline run of these tests: SFT then WRPO on the SHOUT data, both stages at {@code rate}, checkpoints every 2 updates. */
    static String[] trainArgs(Path start, Path data, Path eval, String rate, Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--model",
                start.toString(),
                "--data",
                data.toString(),
                "--output",
                output.toString(),
                "--micro-batch",
                "16",
                "--accumulation",
                "1",
                "--sft-epochs",
                "2",
                "--epochs",
                "3",
                "--sft-lr",
                rate,
                "--lr",
                rate,
                "--beta",
                "0.1",
                "--alpha-ramp",
                "5",
                "--checkpoint-every",
                "2",
                "--keep-checkpoints",
                "100",
                "--eval-data",
                eval.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void runOnce() throws IOException {
        start = dir.resolve("start");
        data = dir.resolve("train.jsonl");
        eval = dir.resolve("eval.jsonl");
        assertThat(run(Map.of(), "init-model", "--preset", "LLAMA_TINY", "--output", start.toString())
                        .exit())
                .isZero();
        WrpoExampleJsonl.write(data, ShoutTask.samples(192, 1));
        WrpoExampleJsonl.write(eval, ShoutTask.samples(48, 2));
        first = run(Map.of(), train(dir.resolve("a")));
    }

    @Test
    @Order(1)
    void trainsSftThenWrpoAndWritesEverythingARunPromises() throws IOException {
        assertThat(first.exit()).as(first.err()).isZero();
        Path a = dir.resolve("a");
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            assertThat(a.resolve("model").resolve(file)).isRegularFile();
            assertThat(a.resolve("reference-model").resolve(file)).isRegularFile();
        }
        List<MetricsCsv.Row> sft = MetricsCsv.read(a.resolve("metrics-sft.csv"));
        List<MetricsCsv.Row> wrpo = MetricsCsv.read(a.resolve("metrics-preference.csv"));
        assertThat(sft).hasSize(UPDATES_SFT);
        assertThat(wrpo).hasSize(UPDATES_WRPO);
        assertThat(sft.get(sft.size() - 1).metrics().get("loss"))
                .isLessThan(sft.get(0).metrics().get("loss"));
        assertThat(wrpo.get(0).metrics())
                .containsKeys(
                        "loss",
                        "rewards/chosen",
                        "rewards/source_chosen",
                        "rewards/target_chosen",
                        "rewards/rejected",
                        "rewards/margins",
                        "rewards/accuracies",
                        "rewards/source_accuracies",
                        "rewards/target_accuracies",
                        "logps/source_chosen",
                        "logps/target_chosen",
                        "logps/rejected",
                        "alpha",
                        "grad_norm",
                        "tokens/s",
                        "samples/s",
                        "length/source_chosen",
                        "length/rejected",
                        "learning_rate");
        // The policy starts as the reference (the SFT model): WRPO's first loss is ln 2.
        assertThat(wrpo.get(0).metrics().get("loss")).isCloseTo(Math.log(2), within(1e-6));
        assertThat(wrpo.get(0).metrics().get("alpha")).isZero();
        assertThat(wrpo.get(UPDATES_WRPO - 1).metrics().get("alpha")).isEqualTo(0.1);
        double lateLoss = wrpo.subList(UPDATES_WRPO - 8, UPDATES_WRPO).stream()
                .mapToDouble(r -> r.metrics().get("loss"))
                .average()
                .orElseThrow();
        assertThat(lateLoss).isLessThan(Math.log(2) - 0.1);
        assertThat(first.out())
                .contains(
                        "[preference] update 24 ",
                        "rewards/margins=",
                        "[sft] update 8 ",
                        "eval: {",
                        "eval/samples=48.0");
        try (Stream<Path> plots = Files.list(a.resolve("plots"))) {
            List<Path> pngs = plots.sorted().toList();
            assertThat(pngs)
                    .extracting(p -> p.getFileName().toString())
                    .containsExactly(
                            "accuracy.png", "eval-preference.png", "loss.png", "reward-margin.png", "sft-loss.png");
            for (Path png : pngs) {
                BufferedImage image = ImageIO.read(png.toFile());
                assertThat(image.getWidth()).isEqualTo(800);
            }
        }
    }

    @Test
    @Order(2)
    void heldOutPreferencesAreLearnedAndEvalReportsThem() throws IOException {
        Path a = dir.resolve("a");
        Run trained = run(
                Map.of(),
                "eval",
                "--model",
                a.resolve("model").toString(),
                "--reference",
                a.resolve("reference-model").toString(),
                "--data",
                eval.toString(),
                "--beta",
                "0.1",
                "--json");
        assertThat(trained.exit()).as(trained.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(trained.out());
        assertThat(report.get("samples").asLong()).isEqualTo(48);
        assertThat(report.get("accuracy").asDouble()).isGreaterThan(0.8);
        assertThat(report.get("margin").asDouble()).isPositive();
        assertThat(report.get("loss").asDouble()).isLessThan(Math.log(2));

        Run untrained = run(Map.of(), "eval", "--model", start.toString(), "--data", eval.toString());
        assertThat(untrained.exit()).as(untrained.err()).isZero();
        assertThat(untrained.out()).contains("summed log-likelihood, nats", "eval/rewards/accuracies");
    }

    @Test
    @Order(3)
    void aSecondRunInTheSameFolderMustSayResume() throws IOException {
        Run again = run(Map.of(), train(dir.resolve("a")));
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already holds checkpoints (newest step-000000032)", "pass --resume");
    }

    @Test
    @Order(3)
    void evalEveryScoresTheHeldOutSamplesAlongTheWayInOneFilePerStage() throws IOException {
        Path periodic = dir.resolve("periodic");
        Run run = run(Map.of(), train(periodic, "--eval-every", "3"));
        assertThat(run.exit()).as(run.err()).isZero();

        List<MetricsCsv.Row> sft = MetricsCsv.read(periodic.resolve("eval-sft.csv"));
        List<MetricsCsv.Row> preference = MetricsCsv.read(periodic.resolve("eval-preference.csv"));
        assertThat(sft)
                .as("every third update, then the SFT model the preference stage starts from (8 SFT updates)")
                .extracting(MetricsCsv.Row::step)
                .containsExactly(3L, 6L, 8L);
        assertThat(sft.get(0).metrics())
                .as("SFT has no reference: no loss column, not a NaN one")
                .containsKeys("eval/samples", "eval/rewards/accuracies")
                .doesNotContainKey("eval/loss");
        assertThat(preference)
                .as("every third update of 32, then the final model at 32")
                .extracting(MetricsCsv.Row::step)
                .containsExactly(9L, 12L, 15L, 18L, 21L, 24L, 27L, 30L, 32L);
        assertThat(preference.get(0).metrics()).containsKey("eval/loss");
        MetricsCsv.Row last = preference.get(preference.size() - 1);
        MetricsCsv.Row onlyAtTheEnd =
                MetricsCsv.read(dir.resolve("a").resolve("eval-preference.csv")).get(0);
        assertThat(last.metrics().get("eval/rewards/margins"))
                .as("the final row scores the same model as the run without --eval-every")
                .isCloseTo(onlyAtTheEnd.metrics().get("eval/rewards/margins"), within(1e-6));
        assertThat(last.metrics().get("eval/rewards/accuracies"))
                .as("held-out SHOUT preferences are learned")
                .isGreaterThan(preference.get(0).metrics().get("eval/rewards/accuracies") - 1e-9)
                .isGreaterThan(0.8);
        assertThat(run.out()).contains("eval at update 3 (sft): ", "eval at update 30 (preference): loss ");
        assertThat(periodic.resolve("plots").resolve("eval-preference.png")).isRegularFile();

        // A crash while scoring update 9: its checkpoint is durable, its row is not. The resumed run scores it first.
        Path cut = dir.resolve("periodic-cut-at-9");
        copyTree(periodic.resolve("checkpoints").resolve("step-000000009"), cut.resolve("checkpoints/step-000000009"));
        copyTree(periodic.resolve("reference-model"), cut.resolve("reference-model"));
        Files.copy(periodic.resolve("metrics-sft.csv"), cut.resolve("metrics-sft.csv"));
        Files.copy(periodic.resolve("metrics-preference.csv"), cut.resolve("metrics-preference.csv"));
        Files.copy(periodic.resolve("eval-sft.csv"), cut.resolve("eval-sft.csv"));
        Run resumed = run(Map.of(), train(cut, "--eval-every", "3", "--resume"));
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("eval at update 9 (preference)");
        assertThat(MetricsCsv.read(cut.resolve("eval-preference.csv")))
                .extracting(MetricsCsv.Row::step)
                .containsExactlyElementsOf(
                        preference.stream().map(MetricsCsv.Row::step).toList());
        assertThat(MetricsCsv.read(cut.resolve("eval-sft.csv")))
                .extracting(MetricsCsv.Row::step)
                .containsExactly(3L, 6L, 8L);
    }

    @Test
    void initModelWritesALlamaOfAnotherShapeForAUsersBpeTokenizerAndTrainTakesIt() throws Exception {
        Path tokenizer =
                Path.of(getClass().getResource("/golden/chat/qwen3-style").toURI());
        Path bpe = dir.resolve("bpe-start");
        Run init = run(
                Map.of(),
                "init-model",
                "--output",
                bpe.toString(),
                "--tokenizer",
                tokenizer.toString(),
                "--hidden",
                "48",
                "--intermediate",
                "96",
                "--layers",
                "3",
                "--heads",
                "4",
                "--kv-heads",
                "2",
                "--context",
                "256");
        assertThat(init.exit()).as(init.err()).isZero();
        int ids = ModelDirectory.tokenizerIds(tokenizer);
        JsonNode config = new ObjectMapper().readTree(bpe.resolve("config.json").toFile());
        assertThat(config.get("vocab_size").asInt()).isEqualTo(ids);
        assertThat(config.get("hidden_size").asInt()).isEqualTo(48);
        assertThat(config.get("num_hidden_layers").asInt()).isEqualTo(3);
        assertThat(config.get("num_key_value_heads").asInt()).isEqualTo(2);
        assertThat(config.get("max_position_embeddings").asInt()).isEqualTo(256);
        assertThat(bpe.resolve("chat_template.jinja"))
                .hasSameTextualContentAs(tokenizer.resolve("chat_template.jinja"));
        long parameters = 2L * ids * 48 + 3 * (2L * 48 * 48 + 2L * 48 * 24 + 3L * 48 * 96 + 2 * 48) + 48;
        assertThat(init.out()).contains(String.format(Locale.ROOT, "%,d parameters", parameters));

        Run sft = run(
                Map.of(),
                "train",
                "--model",
                bpe.toString(),
                "--data",
                data.toString(),
                "--output",
                dir.resolve("bpe-run").toString(),
                "--objective",
                "SFT",
                "--sft-fraction",
                "1",
                "--micro-batch",
                "16",
                "--accumulation",
                "1",
                "--sft-epochs",
                "3",
                "--sft-lr",
                "3e-3");
        assertThat(sft.exit()).as(sft.err()).isZero();
        List<MetricsCsv.Row> rows = MetricsCsv.read(dir.resolve("bpe-run").resolve("metrics-sft.csv"));
        assertThat(rows).hasSize(36);
        assertThat(meanLoss(rows.subList(30, 36)))
                .as("the BPE model learns its SFT data (36 updates)")
                .isLessThan(meanLoss(rows.subList(0, 6)) - 0.5);

        Run gpt2 = run(
                Map.of(),
                "init-model",
                "--preset",
                "GPT2_TINY",
                "--output",
                dir.resolve("x").toString(),
                "--layers",
                "3");
        assertThat(gpt2.exit()).isNotZero();
        assertThat(gpt2.err()).contains("Llama presets only", "GPT2_TINY");
    }

    private static double meanLoss(List<MetricsCsv.Row> rows) {
        return rows.stream().mapToDouble(r -> r.metrics().get("loss")).average().orElseThrow();
    }

    @Test
    @Order(4)
    void resumingMidWrpoEndsBitForBitWhereTheUninterruptedRunEnded() throws IOException {
        assertResumeFrom("step-000000014", true);
    }

    @Test
    @Order(5)
    void resumingMidSftEndsBitForBitWhereTheUninterruptedRunEnded() throws IOException {
        assertResumeFrom("step-000000004", false);
    }

    private static void assertResumeFrom(String checkpoint, boolean afterSft) throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("resume-" + checkpoint);
        // What a crash right after that checkpoint leaves: the checkpoint, the CSV rows so far (and more), the
        // reference.
        copyTree(
                a.resolve("checkpoints").resolve(checkpoint),
                b.resolve("checkpoints").resolve(checkpoint));
        Files.copy(a.resolve("metrics-sft.csv"), b.resolve("metrics-sft.csv"));
        if (afterSft) {
            copyTree(a.resolve("reference-model"), b.resolve("reference-model"));
            Files.copy(a.resolve("metrics-preference.csv"), b.resolve("metrics-preference.csv"));
        }
        Run resumed = run(Map.of(), train(b, "--resume"));
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming from " + checkpoint);
        assertThat(Files.readAllBytes(b.resolve("model/model.safetensors")))
                .as("final weights after resuming from %s", checkpoint)
                .isEqualTo(Files.readAllBytes(a.resolve("model/model.safetensors")));
        List<Long> uninterrupted = MetricsCsv.read(a.resolve("metrics-preference.csv")).stream()
                .map(MetricsCsv.Row::step)
                .toList();
        assertThat(MetricsCsv.read(b.resolve("metrics-preference.csv")))
                .extracting(MetricsCsv.Row::step)
                .containsExactlyElementsOf(uninterrupted);
    }

    @Test
    void badSettingsFromEnvironmentOrConfigFileAreNamed() throws IOException {
        Run env = run(Map.of("FUSEFLOW_TRAIN_WARMUP_RATIO", "1.5"), train(dir.resolve("bad-env")));
        assertThat(env.exit()).isEqualTo(2);
        assertThat(env.err()).contains("--warmup-ratio must lie in [0, 1), got 1.5");

        Path config = dir.resolve("bad.properties");
        Files.writeString(config, "train.micro-batch=0\n");
        String[] args = train(dir.resolve("bad-file"));
        List<String> withConfig = new ArrayList<>(List.of(args));
        int at = withConfig.indexOf("--micro-batch");
        withConfig.subList(at, at + 2).clear();
        withConfig.addAll(List.of("--config", config.toString()));
        Run file = run(Map.of(), withConfig.toArray(String[]::new));
        assertThat(file.exit()).isEqualTo(2);
        assertThat(file.err()).contains("--micro-batch must be >= 1, got 0");

        Run badAlpha = run(
                Map.of(),
                "eval",
                "--model",
                dir.resolve("no-model").toString(),
                "--data",
                dir.resolve("missing.jsonl").toString(),
                "--alpha",
                "1.5");
        assertThat(badAlpha.exit())
                .as("eval checks --alpha before it reads the model")
                .isEqualTo(2);
        assertThat(badAlpha.err()).contains("--alpha must lie in [0, 1], got 1.5");

        Path unscoped = Files.writeString(dir.resolve("unscoped.properties"), "lr=1e-3\n");
        Run unscopedKey = run(
                Map.of(),
                "eval",
                "--model",
                start.toString(),
                "--data",
                dir.resolve("missing.jsonl").toString(),
                "--config",
                unscoped.toString());
        assertThat(unscopedKey.exit()).isEqualTo(2);
        assertThat(unscopedKey.err()).contains("unknown key lr (did you mean serve.lr or train.lr?)");

        Run badData = run(
                Map.of(),
                "eval",
                "--model",
                start.toString(),
                "--data",
                dir.resolve("missing.jsonl").toString());
        assertThat(badData.exit()).isNotZero();
        assertThat(badData.err()).contains("missing.jsonl");
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void demoTaskRewardScoresExactAndPartialAnswers() {
        assertThat(ShoutTask.reward("abc", "ABC!")).isEqualTo(1.0);
        assertThat(ShoutTask.reward("abc", "ABX!")).isCloseTo(3.0 / 4, within(1e-12));
        assertThat(ShoutTask.reward("abc", "abc")).isZero();
        assertThat(ShoutTask.reward("abc", "ABC")).isCloseTo(3.0 / 4, within(1e-12));
        assertThat(ShoutTask.reward("abc", "")).isZero();
    }
}
