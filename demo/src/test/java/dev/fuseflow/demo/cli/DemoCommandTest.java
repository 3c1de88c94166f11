package dev.fuseflow.demo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fuseflow.demo.skills.SkillPrompt;
import dev.fuseflow.demo.skills.SkillTaskReward;
import dev.fuseflow.trainer.cli.TrainerCommand;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import dev.fuseflow.trainer.model.FreshModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fuseflow-demo}'s commands, and the trainer's {@code eval} with the demo on the class path:
 * the skills task reward is a plug-in it finds without being told.
 */
class DemoCommandTest {

    @TempDir
    static Path dir;

    private static Path model;

    record Run(int exit, String out, String err) {}

    static Run demo(String... args) {
        return run(DemoCommand.commandLine(args, Map.of()), args);
    }

    static Run trainer(String... args) throws IOException {
        return run(TrainerCommand.commandLine(args, Map.of()), args);
    }

    private static Run run(CommandLine line, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void tinyModel() throws IOException {
        model = dir.resolve("model");
        FreshModel.LLAMA_TINY.write(model, 42);
    }

    @Test
    void demoDataWritesTheShoutFixtureOrTheSkillsWorkload() throws IOException {
        Path shout = dir.resolve("shout.jsonl");
        Run wrote = demo("demo-data", "--count", "192", "--seed", "1", "--output", shout.toString());
        assertThat(wrote.exit()).as(wrote.err()).isZero();
        assertThat(wrote.out()).contains("wrote 192 samples to " + shout);
        assertThat(WrpoExampleJsonl.read(shout)).isEqualTo(ShoutTask.samples(192, 1));

        Path skills = dir.resolve("skills.jsonl");
        Run skillsRun =
                demo("demo-data", "--task", "SKILLS", "--count", "40", "--seed", "3", "--output", skills.toString());
        assertThat(skillsRun.exit()).as(skillsRun.err()).isZero();
        assertThat(WrpoExampleJsonl.read(skills))
                .hasSize(40)
                .allSatisfy(sample -> assertThat(
                                SkillPrompt.parse(sample.prompt().get(0).getContent()))
                        .isPresent());

        Run none = demo(
                "demo-data",
                "--count",
                "0",
                "--output",
                dir.resolve("none.jsonl").toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--count must be >= 1, got 0");
    }

    @Test
    void trainerEvalScoresTheSkillsPluginOnSkillsSamplesOnly() throws IOException {
        Path skills = dir.resolve("eval-skills.jsonl");
        assertThat(demo("demo-data", "--task", "SKILLS", "--count", "24", "--seed", "5", "--output", skills.toString())
                        .exit())
                .isZero();
        Run table = trainer("eval", "--model", model.toString(), "--data", skills.toString());
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out())
                .contains("eval/rewards/accuracies", SkillTaskReward.METRIC + " ", SkillTaskReward.METRIC + "/reverse");

        Run json = trainer(
                "eval",
                "--model",
                model.toString(),
                "--data",
                skills.toString(),
                "--json",
                "--candidate-metrics",
                SkillTaskReward.NAME);
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertThat(report.get("samples").asLong()).isEqualTo(24);
        assertThat(report.get("candidateMetrics").get(SkillTaskReward.METRIC).asDouble())
                .isBetween(0.0, 1.0);

        Path shout = dir.resolve("eval-shout.jsonl");
        WrpoExampleJsonl.write(shout, ShoutTask.samples(8, 2));
        Run notSkills = trainer("eval", "--model", model.toString(), "--data", shout.toString(), "--json");
        assertThat(notSkills.exit()).as(notSkills.err()).isZero();
        assertThat(new ObjectMapper()
                        .readTree(notSkills.out())
                        .get("candidateMetrics")
                        .isEmpty())
                .isTrue();

        Run unknown = trainer(
                "eval", "--model", model.toString(), "--data", skills.toString(), "--candidate-metrics", "bleu");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("--candidate-metrics: no metric named 'bleu'", SkillTaskReward.NAME);
    }

    @Test
    void taskRewardGradesGreedyAnswersToHeldOutPromptsOfEverySkill() {
        Run graded = demo("task-reward", "--model", model.toString(), "--prompts", "2", "--device", "cpu");
        assertThat(graded.exit()).as(graded.err()).isZero();
        assertThat(graded.out())
                .matches("(?s)task reward \\d\\.\\d{4} over 8 held-out prompts: \\{REVERSE=.*, UPPER=.*}\\R");

        Run none = demo("task-reward", "--model", model.toString(), "--prompts", "0");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--prompts must be >= 1, got 0");
    }
}
