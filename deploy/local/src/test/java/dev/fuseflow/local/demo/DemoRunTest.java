package dev.fuseflow.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.demo.skills.SkillPrompt;
import dev.fuseflow.embedded.BrokerMode;
import dev.fuseflow.local.LocalStack;
import dev.fuseflow.local.LocalStackConfig;
import dev.fuseflow.trainer.data.WrpoExample;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop on the real local stack with a small budget: the demo app's events become
 * samples, the trainer publishes versions, the app hot-reloads them, and the newest version's
 * held-out reward rises above the starting model's. The trainer leaves SFT at its quota and the
 * preference stage (WRPO, the demo's objective) publishes versions that the app serves.
 */
class DemoRunTest {

    @TempDir
    Path dataDir;

    @Test
    void theTargetLearnsFromTheLoopReachesWrpoAndEveryPublishedVersionIsServed() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        DemoRun.Result result;
        List<Path> exported;
        DemoSettings settings = DemoSettings.defaults(Duration.ofSeconds(100));
        try (LocalStack stack = LocalStack.start(LocalStackConfig.anyPorts(dataDir, BrokerMode.IN_PROCESS, false))) {
            result = DemoRun.run(
                    stack.bootstrapServers(),
                    stack.schemaRegistryUrl(),
                    dataDir,
                    settings,
                    DemoSources.scripted(),
                    // A small SFT quota leaves WRPO about 40 s of the 100; the loose gate lets its first candidates
                    // through on a slow machine (the gate's own decisions are tested in the trainer).
                    List.of("--sft-samples", "4000", "--eval-interval", "PT10S", "--gate-tolerance", "0.05"),
                    new PrintStream(console, true, StandardCharsets.UTF_8));
            exported = LearningDataExport.write(
                    stack.bootstrapServers(),
                    stack.schemaRegistryUrl(),
                    settings,
                    dataDir.resolve("export"),
                    new PrintStream(console, true, StandardCharsets.UTF_8));
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertThat(result.target().size())
                .as("versions served after the start model")
                .isGreaterThanOrEqualTo(2);
        assertThat(result.newestMean())
                .as("held-out reward of the newest version against the start model's")
                .isGreaterThan(result.startMean() + 0.1);
        assertThat(result.target())
                .as("served versions published in the SFT stage, then in the preference stage")
                .anyMatch(row -> !row.preferenceStage() && row.version() > 0)
                .anyMatch(LearningBoard.Row::preferenceStage);
        int firstPreference = indexOfFirstPreferenceVersion(result.target());
        assertThat(result.target().subList(firstPreference, result.target().size()))
                .as("once WRPO publishes, SFT does not come back")
                .allMatch(LearningBoard.Row::preferenceStage);
        assertThat(printed).as("the progress line names the stage").contains("WRPO");
        assertThat(result.samples()).isPositive();
        assertThat(result.deadLetters()).isZero();
        assertThat(result.freshnessSeconds()).isNotEmpty();
        assertThat(result.freshness(50)).isPositive();
        assertThat(result.files())
                .extracting(p -> p.getFileName().toString())
                .contains("learning.csv", "reward-by-skill.png", "trainer-loss.png");
        assertThat(result.files()).allMatch(p -> p.toFile().length() > 0);
        List<WrpoExample> samples = WrpoExampleJsonl.read(exported.get(0));
        assertThat(samples)
                .as("the stream's samples, each id once (the stream repeats a sample whose evidence is unchanged)")
                .hasSizeBetween(1, (int) result.samples() + 1_000)
                .extracting(WrpoExample::sampleId)
                .doesNotHaveDuplicates();
        assertThat(samples)
                .allMatch(e -> SkillPrompt.parse(e.prompt().get(0).getContent()).isPresent());
        assertThat(WrpoExampleJsonl.read(exported.get(1)))
                .as("the board's held-out prompts, right answers chosen")
                .hasSize(settings.heldOutPerSkill() * Skill.values().length)
                .allMatch(e -> SkillPrompt.parse(e.prompt().get(0).getContent())
                                .orElseThrow()
                                .reward(e.sourceChosen())
                        == 1.0);
        assertThat(printed)
                .contains("events", "samples", "trainer update", "serving v", "held-out reward", "source-wordsmith")
                .contains("(end of SFT)");
    }

    private static int indexOfFirstPreferenceVersion(List<LearningBoard.Row> served) {
        for (int i = 0; i < served.size(); i++) {
            if (served.get(i).preferenceStage()) {
                return i;
            }
        }
        return served.size();
    }
}
