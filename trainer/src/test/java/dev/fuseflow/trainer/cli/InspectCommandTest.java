package dev.fuseflow.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fuseflow.trainer.model.FreshModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    private int inspect(String... args) {
        CommandLine line = TrainerCommand.commandLine(args, Map.of());
        line.setOut(new PrintWriter(out));
        String[] all = new String[args.length + 1];
        all[0] = "inspect";
        System.arraycopy(args, 0, all, 1, args.length);
        return line.execute(all);
    }

    @Test
    void aSupportedCheckpointIsDescribedAndPassesItsParitySelfCheck() throws Exception {
        Path golden =
                Path.of(getClass().getResource("/golden/qwen3-bias-tied-bf16").toURI());

        int exit = inspect(
                golden.toString(),
                "--expect",
                golden.resolve("golden.safetensors").toString(),
                "--fields");

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains("qwen3, supported")
                .contains("dtypes {BF16=")
                .contains("tieWordEmbeddings=true")
                .contains("memory in FP16_MIXED")
                .contains("head_dim")
                .contains("PASS");
    }

    @Test
    void aParityMismatchFailsTheSelfCheck() throws Exception {
        Path golden = Path.of(getClass().getResource("/golden/llama-tied").toURI());
        Path other = Path.of(getClass().getResource("/golden/llama-tied-bf16").toURI());

        int exit = inspect(
                other.toString(),
                "--expect",
                golden.resolve("golden.safetensors").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL");
    }

    @Test
    void aFolderFuseFlowWouldRefuseIsReportedWithTheReason() throws Exception {
        FreshModel.LLAMA_TINY.write(dir, 1);
        String config = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), config.replace("\"silu\"", "\"relu\""));

        int exit = inspect(dir.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("refused").contains("field 'hidden_act' is \"relu\"");
    }
}
