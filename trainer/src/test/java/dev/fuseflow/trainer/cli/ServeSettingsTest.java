package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.runtime.config.FuseFlowVersion;
import dev.fuseflow.trainer.publish.Provenance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} validates every setting before it reads a model or a record: a bad value is refused
 * at once, naming the option and the allowed range, from the command line or the environment.
 * Nothing listens on the broker address given, and nothing may be written to the run folder.
 */
class ServeSettingsTest {

    @TempDir
    Path dir;

    @Test
    void anAlphaOutsideZeroToOneIsRefusedBeforeAnythingIsReadOrWritten() throws Exception {
        TrainCommandTest.Run refused = TrainCommandTest.run(Map.of(), serve("--alpha", "1.5"));
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--alpha must lie in [0, 1], got 1.5");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void aBetaOfZeroFromTheEnvironmentIsRefusedBeforeAnythingIsReadOrWritten() throws Exception {
        TrainCommandTest.Run refused = TrainCommandTest.run(Map.of("FUSEFLOW_SERVE_BETA", "0"), serve());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--beta must be a finite number > 0, got 0.0");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void theSharedHyperparametersAreOptionsOfServeToo() throws Exception {
        TrainCommandTest.Run refused = TrainCommandTest.run(Map.of(), serve("--accumulation", "0"));
        assertThat(refused.err()).contains("--accumulation must be >= 1, got 0");
        TrainCommandTest.Run help = TrainCommandTest.run(Map.of(), "serve", "--help");
        assertThat(help.out())
                .contains(
                        "--warmup-ratio",
                        "--weight-decay",
                        "--max-grad-norm",
                        "--accumulation",
                        "--seed",
                        "--min-lr-ratio",
                        "--objective")
                .doesNotContain("${DEFAULT-VALUE}");
    }

    @Test
    void durationsAreReadInBothFormsOnTheCommandLineAndInStartAsTheGatewayReadsThem() {
        for (String[] forms : new String[][] {{"500ms", "PT0.5S"}, {"10s", "PT10S"}, {"5m", "PT5M"}}) {
            for (String form : forms) {
                ServeCommand started = ServeCommand.parse("--output", "run", "--max-wait", form);
                ServeCommand configured = (ServeCommand) TrainerCommand.commandLine(new String[0], Map.of())
                        .parseArgs("serve", "--output", "run", "--eval-interval", form)
                        .subcommand()
                        .commandSpec()
                        .userObject();

                assertThat(started.maxWait).as(form).isEqualTo(Duration.parse(forms[1]));
                assertThat(configured.evalInterval).as(form).isEqualTo(Duration.parse(forms[1]));
            }
        }
        assertThat(ServeCommand.parse("--output", "run").progressEvery).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyPublishedVersionRecordsTheStartingModelTheTrainingOptionsAndTheBuild() {
        Provenance fromFolder = ServeCommand.parse(
                        "--model", "/models/qwen", "--output", "run", "--lr", "5e-7", "--beta", "2")
                .provenance();
        assertThat(fromFolder.trainedFrom()).isEqualTo(Path.of("/models/qwen").toString());
        assertThat(fromFolder.hyperparameters())
                .containsEntry("lr", "5.0E-7")
                .containsEntry("beta", "2.0")
                .containsEntry("objective", "WRPO")
                .containsKeys("micro-batch", "accumulation", "seed", "warmup-ratio");
        assertThat(fromFolder.codeVersion()).isEqualTo("fuseflow " + FuseFlowVersion.version());
        assertThat(ServeCommand.parse("--fresh-model", "LLAMA_TINY", "--output", "run")
                        .provenance()
                        .trainedFrom())
                .isEqualTo("fresh model LLAMA_TINY");
    }

    private String[] serve(String... extra) {
        String[] base = {
            "serve",
            "--fresh-model",
            "LLAMA_TINY",
            "--output",
            dir.resolve("run").toString(),
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--schema-registry-url",
            "http://127.0.0.1:1",
            "--metrics-port",
            "-1"
        };
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return args;
    }
}
