package dev.fuseflow.producers.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** fuseflow-import's options take the file and environment layers by the one rule, checked before anything is read. */
class ImportSettingsTest {

    @TempDir
    Path dir;

    private static ImportCommand parse(Map<String, String> env, String... args) {
        CommandLine line = ImportCommand.commandLine(args, env);
        line.parseArgs(args);
        return line.getCommand();
    }

    @Test
    void environmentOverFileOverDeclaredDefaultAndTheCommandLineOverAll() throws Exception {
        Path file = Files.writeString(
                dir.resolve("import.properties"),
                "import.window=50\nimport.scorer=armo@1\n"
                        + "fuseflow.validation.max-text-bytes=4096\nbootstrap.servers=file:9092\nimport.format=ultrafeedback\n");
        ImportCommand defaults = parse(Map.of(), "--input", "x.jsonl");
        assertThat(defaults.window).isEqualTo(1_000);
        assertThat(defaults.format).isEqualTo(ImportCommand.Format.FUSEFLOW);
        assertThat(defaults.limit).isEqualTo(Long.MAX_VALUE);
        assertThat(defaults.maxTextBytes).isEqualTo(65_536);
        assertThat(defaults.targetModel).isNull();

        ImportCommand layered = parse(
                Map.of("FUSEFLOW_IMPORT_WINDOW", "70", "FUSEFLOW_BOOTSTRAP_SERVERS", "env:9092"),
                "--input",
                "x.jsonl",
                "--config",
                file.toString());
        assertThat(layered.window).as("environment over file").isEqualTo(70);
        assertThat(layered.scorer).as("file over default").isEqualTo("armo@1");
        assertThat(layered.maxTextBytes).isEqualTo(4096);
        assertThat(layered.format).isEqualTo(ImportCommand.Format.ULTRAFEEDBACK);
        assertThat(layered.connection.bootstrapServers()).isEqualTo("env:9092");

        ImportCommand cli = parse(Map.of("FUSEFLOW_IMPORT_WINDOW", "70"), "--input", "x.jsonl", "--window", "4");
        assertThat(cli.window).isEqualTo(4);
    }

    @Test
    void aBadValueFailsBeforeAnyLineIsReadNamingTheKeyAndTheRule() {
        StringWriter err = new StringWriter();
        CommandLine line = ImportCommand.commandLine(new String[0], Map.of()).setErr(new PrintWriter(err, true));
        assertThat(line.execute("--input", dir.resolve("missing.jsonl").toString(), "--window", "0"))
                .isEqualTo(2);
        assertThat(err.toString()).startsWith("--window (import.window) must be >= 1, got 0");

        StringWriter envErr = new StringWriter();
        CommandLine fromEnv = ImportCommand.commandLine(new String[0], Map.of("FUSEFLOW_IMPORT_TARGET_VERSION", "-1"))
                .setErr(new PrintWriter(envErr, true));
        assertThat(fromEnv.execute("--input", dir.resolve("missing.jsonl").toString()))
                .isEqualTo(2);
        assertThat(envErr.toString())
                .startsWith("FUSEFLOW_IMPORT_TARGET_VERSION (import.target-version) must be >= 0, got -1");
    }

    @Test
    void helpIsTheDeclarations() {
        StringWriter out = new StringWriter();
        ImportCommand.commandLine(new String[0], Map.of()).usage(new PrintWriter(out));
        assertThat(out.toString())
                .contains(
                        "--window=<window>",
                        "Lines between acknowledged",
                        "FUSEFLOW_IMPORT_WINDOW",
                        "--bootstrap-servers",
                        "FUSEFLOW_BOOTSTRAP_SERVERS")
                .doesNotContain("${DEFAULT-VALUE}");
    }
}
