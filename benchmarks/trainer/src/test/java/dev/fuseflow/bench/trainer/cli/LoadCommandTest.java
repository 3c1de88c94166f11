package dev.fuseflow.bench.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fuseflow.trainer.model.ModelDirectory;
import dev.fuseflow.trainer.model.llama.LlamaConfig;
import dev.fuseflow.trainer.model.llama.LlamaForCausalLm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoadCommandTest {

    @TempDir
    Path dir;

    @Test
    void reportsTheParametersInTheAskedTypeAndTheHostMemory() throws Exception {
        LlamaConfig config = LlamaConfig.of(17, 16, 24, 2, 4, 2, 32);
        long expectedParameters;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            LlamaForCausalLm model = new LlamaForCausalLm(config);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 5), new Shape(2, 5));
            ModelDirectory.saveNew(model, dir.resolve("model"));
            expectedParameters = model.getParameters().values().stream()
                    .mapToLong(p -> p.getArray().size())
                    .sum();
        }
        String[] args = {"load", dir.resolve("model").toString(), "--dtype", "float16", "--device", "cpu"};
        CommandLine line = TrainerBenchCommand.commandLine(args, Map.of());
        StringWriter out = new StringWriter();
        line.setOut(new PrintWriter(out));

        int exit = line.execute(args);

        assertThat(exit).isZero();
        String report = out.toString();
        assertThat(report).contains("as float16 onto cpu()");
        assertThat(report)
                .contains(String.format(
                        Locale.ROOT,
                        "parameters:       %.3f B, %.2f GiB",
                        expectedParameters / 1e9,
                        expectedParameters * 2 / (1024.0 * 1024 * 1024)));
        assertThat(report).containsPattern("peak RSS: +\\d+\\.\\d\\d GiB");
        assertThat(report).doesNotContain("GPU memory taken");
    }

    @Test
    void aFolderWithoutAModelIsAnErrorNamingIt() {
        String[] args = {"load", dir.resolve("missing").toString(), "--device", "cpu"};
        CommandLine line = TrainerBenchCommand.commandLine(args, Map.of());
        StringWriter err = new StringWriter();
        line.setErr(new PrintWriter(err));

        int exit = line.execute(args);

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains(dir.resolve("missing").toString());
    }
}
