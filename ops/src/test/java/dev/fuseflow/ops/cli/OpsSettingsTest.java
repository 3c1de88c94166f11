package dev.fuseflow.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** fuseflow-ops' options take the file and environment layers by the one rule, checked before anything is read. */
class OpsSettingsTest {

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static <T> T parse(Map<String, String> env, String... args) {
        return (T) OpsCommand.commandLine(args, env)
                .parseArgs(args)
                .subcommand()
                .commandSpec()
                .userObject();
    }

    @Test
    void environmentOverFileOverDeclaredDefaultAndTheCommandLineOverAll() throws Exception {
        ExporterCommand defaults = parse(Map.of(), "exporter");
        assertThat(defaults.port).isEqualTo(9406);
        assertThat(defaults.interval).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.groupPrefix).isEqualTo("fuseflow");
        assertThat(defaults.connection.bootstrapServers()).isEqualTo("localhost:9092");

        Path file = Files.writeString(
                dir.resolve("ops.properties"),
                "ops.port=9500\nops.exporter.interval=30s\n"
                        + "ops.group-prefix=from-file\nschema.registry.url=http://file:8081\nops.history=4\n");
        ExporterCommand layered = parse(
                Map.of("FUSEFLOW_OPS_PORT", "9600", "FUSEFLOW_BOOTSTRAP_SERVERS", "env:9092"),
                "exporter",
                "--config",
                file.toString());
        assertThat(layered.port).as("environment over file").isEqualTo(9600);
        assertThat(layered.interval)
                .as("file over default, in the durations of every setting")
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(layered.groupPrefix).isEqualTo("from-file");
        assertThat(layered.connection.schemaRegistryUrl()).isEqualTo("http://file:8081");
        assertThat(layered.connection.bootstrapServers()).isEqualTo("env:9092");

        StatusCommand status =
                parse(Map.of("FUSEFLOW_OPS_GROUP_PREFIX", "env-"), "status", "-c", file.toString(), "--history", "7");
        assertThat(status.report.groupPrefix)
                .as("one setting, an option of several subcommands")
                .isEqualTo("env-");
        assertThat(status.report.history).isEqualTo(7);
        assertThat(status.report.rejections).isEqualTo(3);
    }

    @Test
    void aBadValueFailsBeforeAnythingIsReadNamingTheKeyAndTheRule() {
        StringWriter err = new StringWriter();
        int exit = OpsCommand.commandLine(new String[0], Map.of("FUSEFLOW_OPS_PORT", "70000"))
                .setErr(new PrintWriter(err, true))
                .execute("exporter");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("FUSEFLOW_OPS_PORT (ops.port) must be in [0, 65535], got 70000");

        StringWriter cli = new StringWriter();
        assertThat(OpsCommand.commandLine().setErr(new PrintWriter(cli, true)).execute("watch", "--interval", "0s"))
                .isEqualTo(2);
        assertThat(cli.toString()).startsWith("--interval (ops.watch.interval) must be a positive duration, got PT0S");
    }

    @Test
    void helpIsTheDeclarations() {
        StringWriter out = new StringWriter();
        CommandLine line = OpsCommand.commandLine(new String[0], Map.of());
        line.getSubcommands().get("exporter").usage(new PrintWriter(out));
        assertThat(out.toString())
                .contains("--port=<port>", "HTTP port of the exporter", "FUSEFLOW_OPS_PORT", "9406")
                .doesNotContain("${DEFAULT-VALUE}");
    }
}
