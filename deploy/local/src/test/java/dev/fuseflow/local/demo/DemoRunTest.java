package dev.fuseflow.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.embedded.BrokerMode;
import dev.fuseflow.local.LocalStack;
import dev.fuseflow.local.LocalStackConfig;
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
 * held-out reward rises above the starting model's.
 */
class DemoRunTest {

    @TempDir
    Path dataDir;

    @Test
    void theTargetLearnsFromTheLoopAndEveryPublishedVersionIsServed() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        DemoRun.Result result;
        try (LocalStack stack = LocalStack.start(LocalStackConfig.anyPorts(dataDir, BrokerMode.IN_PROCESS, false))) {
            result = DemoRun.run(
                    stack.bootstrapServers(),
                    stack.schemaRegistryUrl(),
                    dataDir,
                    DemoSettings.defaults(Duration.ofSeconds(100)),
                    DemoSources.scripted(),
                    List.of("--sft-samples", "6000", "--eval-interval", "PT10S"),
                    new PrintStream(console, true, StandardCharsets.UTF_8));
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertThat(result.target().size())
                .as("versions served after the start model")
                .isGreaterThanOrEqualTo(2);
        assertThat(result.newestMean())
                .as("held-out reward of the newest version against the start model's")
                .isGreaterThan(result.startMean() + 0.1);
        assertThat(result.samples()).isPositive();
        assertThat(result.deadLetters()).isZero();
        assertThat(result.freshnessSeconds()).isNotEmpty();
        assertThat(result.freshness(50)).isPositive();
        assertThat(result.files())
                .extracting(p -> p.getFileName().toString())
                .contains("learning.csv", "reward-by-skill.png", "trainer-loss.png");
        assertThat(result.files()).allMatch(p -> p.toFile().length() > 0);
        assertThat(printed)
                .contains("events", "samples", "trainer update", "serving v", "held-out reward", "source-wordsmith");
    }
}
