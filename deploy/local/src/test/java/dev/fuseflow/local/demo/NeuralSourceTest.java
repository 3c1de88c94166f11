package dev.fuseflow.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.SkillPrompt;
import dev.fuseflow.demo.skills.TaskRewardEvaluator.TaskReward;
import dev.fuseflow.embedded.BrokerMode;
import dev.fuseflow.local.LocalStack;
import dev.fuseflow.local.LocalStackConfig;
import dev.fuseflow.local.sources.SourceBuilder;
import dev.fuseflow.local.sources.SourceRecipe;
import dev.fuseflow.local.sources.SourceRecipes;
import dev.fuseflow.producers.client.FeedbackClient;
import dev.fuseflow.schemas.topics.FuseFlowTopics;
import dev.fuseflow.trainer.model.FreshModel;
import dev.fuseflow.trainer.publish.EvalBucket;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Neural sources trained briefly by FuseFlow (a few hundred updates, seconds): training lifts the
 * wordsmith's strong skills above its untrained start, and the demo app serves both neural sources in
 * its generation events under their own names, measured on the board beside the target.
 */
class NeuralSourceTest {

    /** 400 updates of 32 (the full recipe makes 750): the GPT-2 gets most of reverse right, upper not yet. */
    private static final int BRIEF = 12_800;

    @TempDir
    static Path dir;

    private static SourceRecipe wordsmith;
    private static DemoSources.Neural briefPair;

    @BeforeAll
    static void trainBriefly() throws IOException {
        wordsmith = SourceRecipes.wordsmith().withSamples(BRIEF);
        briefPair = new DemoSources.Neural(
                dir.resolve("sources"),
                List.of(wordsmith, SourceRecipes.numerist().withSamples(64)));
        new SourceBuilder(dir.resolve("sources"), quiet()).models(briefPair.recipes());
    }

    @Test
    void briefTrainingLiftsTheStrongSkillsAboveTheUntrainedStart() throws IOException {
        DemoSettings settings = DemoSettings.defaults(Duration.ofSeconds(1));
        List<SkillPrompt> strong = DemoApp.heldOut(settings).stream()
                .filter(prompt -> wordsmith.skills().contains(prompt.skill()))
                .toList();
        Path home = new SourceBuilder(dir.resolve("sources"), quiet()).home(wordsmith);

        TaskReward start = measure(home.resolve(SourceBuilder.START), strong);
        TaskReward trained = measure(home.resolve("model"), strong);

        assertThat(trained.mean())
                .as("held-out reverse and upper: trained %s, untrained start %s", trained.perSkill(), start.perSkill())
                .isGreaterThan(start.mean() + 0.2);
        // Measured once at 400 updates: reverse 0.79 and upper 0.09 (upper comes later), from 0.00 on both.
        assertThat(trained.perSkill().get(Skill.REVERSE))
                .isGreaterThan(start.perSkill().get(Skill.REVERSE) + 0.3);
        assertThat(trained.perSkill().get(Skill.UPPER))
                .isGreaterThanOrEqualTo(start.perSkill().get(Skill.UPPER));
    }

    @Test
    void theDemoAppServesNeuralSourcesInItsGenerationEvents() throws Exception {
        DemoSettings settings = DemoSettings.defaults(Duration.ofSeconds(4));
        Path startModel = dir.resolve("target-start");
        FreshModel.LLAMA_TINY.write(startModel, settings.seed());
        Map<String, Long> generations;
        LearningBoard board;
        List<DemoSource> sources = briefPair.open(settings, quiet());
        try (AutoCloseable closeSources = () -> sources.forEach(DemoSource::close);
                LocalStack stack = LocalStack.start(
                        LocalStackConfig.anyPorts(dir.resolve("stack"), BrokerMode.IN_PROCESS, false));
                FeedbackClient client = FeedbackClient.builder()
                        .bootstrapServers(stack.bootstrapServers())
                        .schemaRegistryUrl(stack.schemaRegistryUrl())
                        .clientId("neural-source-test")
                        .build();
                PipelineObserver observer = new PipelineObserver(
                        stack.bootstrapServers(),
                        stack.schemaRegistryUrl(),
                        FuseFlowTopics.defaults(),
                        "target",
                        new EvalBucket(5));
                DemoApp app = new DemoApp(settings, client, observer, startModel, "target", sources)) {
            app.run();
            generations = app.generationsByModel();
            board = app.board();
        }

        assertThat(generations)
                .as("generation events the broker acknowledged, per model")
                .containsKeys("source-wordsmith-gpt2", "source-numerist-qwen3", "target");
        assertThat(generations.get("source-wordsmith-gpt2")).isPositive();
        assertThat(generations.get("source-numerist-qwen3")).isPositive();
        assertThat(board.sources()).containsOnlyKeys("source-wordsmith-gpt2", "source-numerist-qwen3");
        assertThat(board.table()).contains("source-wordsmith-gpt2", "source-numerist-qwen3");
    }

    private static TaskReward measure(Path model, List<SkillPrompt> prompts) throws IOException {
        try (NeuralSource source = NeuralSource.load("measured", model, 0.7, 1)) {
            return source.measure(prompts);
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
