package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.trainer.cli.TrainCommandTest.Run;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.lora.PeftAdapter;
import dev.fuseflow.trainer.report.MetricsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --lora-rank}: SFT then WRPO with adapters on the frozen tiny Llama. Checkpoints and
 * the final model are PEFT adapters, the WRPO reference is the SFT model (the SFT adapter merged,
 * adapters off), and a resume from a mid-WRPO checkpoint ends bit for bit where the uninterrupted
 * run ended.
 */
class TrainCommandLoraTest {

    private static final int UPDATES_WRPO = 24;

    @TempDir
    static Path dir;

    private static Path start;
    private static Path data;
    private static Path eval;
    private static Run first;

    static String[] train(Path output, String... extra) {
        List<String> lora = new ArrayList<>(List.of("--lora-rank", "8"));
        lora.addAll(List.of(extra));
        return TrainCommandTest.trainArgs(start, data, eval, "1e-2", output, lora.toArray(String[]::new));
    }

    @BeforeAll
    static void runOnce() throws IOException {
        start = dir.resolve("start");
        data = dir.resolve("train.jsonl");
        eval = dir.resolve("eval.jsonl");
        assertThat(TrainCommandTest.run(Map.of(), "init-model", "--preset", "LLAMA_TINY", "--output", start.toString())
                        .exit())
                .isZero();
        WrpoExampleJsonl.write(data, ShoutTask.samples(192, 1));
        WrpoExampleJsonl.write(eval, ShoutTask.samples(48, 2));
        first = TrainCommandTest.run(Map.of(), train(dir.resolve("a")));
    }

    @Test
    void checkpointsAndTheFinalModelAreAdaptersOfTheStartingModel() throws IOException {
        assertThat(first.exit()).as(first.err()).isZero();
        Path a = dir.resolve("a");
        for (Path adapter :
                List.of(a.resolve("model"), a.resolve("sft-adapter"), a.resolve("checkpoints/step-000000014"))) {
            assertThat(adapter.resolve(PeftAdapter.CONFIG_FILE)).isRegularFile();
            assertThat(adapter.resolve(PeftAdapter.WEIGHTS_FILE)).isRegularFile();
            assertThat(adapter.resolve("model.safetensors")).doesNotExist();
            assertThat(PeftAdapter.read(adapter).baseModel())
                    .isEqualTo(start.toAbsolutePath().toString());
        }
        assertThat(a.resolve("reference-model")).doesNotExist();
        // The published adapter stacks the WRPO adapter (r 8) on the SFT adapter (r 8).
        assertThat(PeftAdapter.read(a.resolve("model")).settings().rank()).isEqualTo(16);
        assertThat(Files.size(a.resolve("checkpoints/step-000000014").resolve(PeftAdapter.WEIGHTS_FILE)))
                .isLessThan(Files.size(start.resolve("model.safetensors")));
    }

    @Test
    void wrpoStartsFromTheSftModelAsItsReferenceAndLearns() throws IOException {
        assertThat(first.exit()).as(first.err()).isZero();
        Path a = dir.resolve("a");
        List<MetricsCsv.Row> sft = MetricsCsv.read(a.resolve("metrics-sft.csv"));
        List<MetricsCsv.Row> wrpo = MetricsCsv.read(a.resolve("metrics-preference.csv"));
        assertThat(sft.get(sft.size() - 1).metrics().get("loss"))
                .isLessThan(sft.get(0).metrics().get("loss"));
        // Policy and reference are the same model at the first WRPO step (the SFT adapter merged, the fresh
        // adapter changing nothing): the loss is ln 2. Were the reference the starting model, it would not be.
        assertThat(wrpo.get(0).metrics().get("loss")).isCloseTo(Math.log(2), within(1e-6));
        double lateLoss = wrpo.subList(UPDATES_WRPO - 8, UPDATES_WRPO).stream()
                .mapToDouble(r -> r.metrics().get("loss"))
                .average()
                .orElseThrow();
        assertThat(lateLoss).isLessThan(Math.log(2) - 0.05);

        Run scored = TrainCommandTest.run(
                Map.of(),
                "eval",
                "--model",
                a.resolve("model").toString(),
                "--reference",
                a.resolve("sft-adapter").toString(),
                "--data",
                eval.toString(),
                "--beta",
                "0.1",
                "--json");
        assertThat(scored.exit()).as(scored.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(scored.out());
        assertThat(report.get("accuracy").asDouble()).isGreaterThan(0.7);
        assertThat(report.get("margin").asDouble()).isPositive();
    }

    @Test
    void resumingMidWrpoEndsBitForBitWhereTheUninterruptedRunEnded() throws IOException {
        assertThat(first.exit()).as(first.err()).isZero();
        Path a = dir.resolve("a");
        Path b = dir.resolve("resume");
        String checkpoint = "step-000000014";
        TrainCommandTest.copyTree(
                a.resolve("checkpoints").resolve(checkpoint),
                b.resolve("checkpoints").resolve(checkpoint));
        TrainCommandTest.copyTree(a.resolve("sft-adapter"), b.resolve("sft-adapter"));
        Files.copy(a.resolve("metrics-sft.csv"), b.resolve("metrics-sft.csv"));
        Files.copy(a.resolve("metrics-preference.csv"), b.resolve("metrics-preference.csv"));

        Run resumed = TrainCommandTest.run(Map.of(), train(b, "--resume"));

        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming from " + checkpoint);
        assertThat(Files.readAllBytes(b.resolve("model").resolve(PeftAdapter.WEIGHTS_FILE)))
                .isEqualTo(Files.readAllBytes(a.resolve("model").resolve(PeftAdapter.WEIGHTS_FILE)));
    }

    @Test
    void resumingWithAnotherRankIsRefusedNamingIt() throws IOException {
        assertThat(first.exit()).as(first.err()).isZero();
        Path a = dir.resolve("a");
        Path c = dir.resolve("other-rank");
        String checkpoint = "step-000000004";
        TrainCommandTest.copyTree(
                a.resolve("checkpoints").resolve(checkpoint),
                c.resolve("checkpoints").resolve(checkpoint));
        List<String> args = new ArrayList<>(List.of(train(c, "--resume")));
        args.set(args.indexOf("--lora-rank") + 1, "4");

        Run resumed = TrainCommandTest.run(Map.of(), args.toArray(String[]::new));

        assertThat(resumed.exit()).isNotZero();
        assertThat(resumed.err()).contains("r 8", "r 4");
    }

    @Test
    void activationCheckpointingWithLoraDropoutIsRefusedBeforeAnythingIsRead() throws IOException {
        Run refused = TrainCommandTest.run(
                Map.of(), train(dir.resolve("dropout"), "--lora-dropout", "0.1", "--activation-checkpointing"));

        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("--activation-checkpointing needs --lora-dropout 0");
        assertThat(dir.resolve("dropout")).doesNotExist();
    }
}
