package dev.fuseflow.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The command-line side of the layering: one rule for every option, bound or not. */
class SettingsDefaultProviderTest {

    static final String WINDOW_KEY = "probe.window";
    static final Setting<Duration> WINDOW =
            Setting.duration(WINDOW_KEY, "10s", "How long to watch.").must(Check.positive());
    static final SettingSet DECLARED = SettingSet.of("fuseflow-probe", Map.of(), List.of(WINDOW));

    @Command(name = "fuseflow-probe", mixinStandardHelpOptions = true)
    static final class Probe implements Runnable {
        @Mixin
        ConnectionOptions connection = new ConnectionOptions();

        @Option(names = "--window", descriptionKey = WINDOW_KEY)
        Duration window;

        @Option(names = "--max-wait", defaultValue = "PT2S", description = "Not bound to a declaration.")
        Duration maxWait;

        @Option(names = {"-c", "--config"})
        Path config;

        @Override
        public void run() {
            // Parsing is what is tested.
        }
    }

    /** A mixin of options bound to no declaration, as the trainer's TrainingOptions. */
    static final class Hyperparameters {
        @Option(names = "--beta", defaultValue = "0.01")
        double beta;
    }

    @Command(name = "serve")
    static final class Serve implements Runnable {
        @Mixin
        Hyperparameters hyperparameters = new Hyperparameters();

        @Mixin
        ConnectionOptions connection = new ConnectionOptions();

        @Override
        public void run() {
            // Parsing is what is tested.
        }
    }

    @Command(name = "fuseflow-trainer", subcommands = Serve.class)
    static final class Program {}

    record Run(int exit, Probe probe, String out, String err) {}

    @TempDir
    Path dir;

    static Run run(Map<String, String> env, String... args) {
        Probe probe = new Probe();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = CommandLines.configure(new CommandLine(probe), args, env, DECLARED);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, probe, out.toString(), err.toString());
    }

    @Test
    void environmentOverFileOverDeclaredDefaultAndTheCommandLineOverAll() throws Exception {
        Path file = Files.writeString(
                dir.resolve("probe.properties"),
                "probe.window=30s\nbootstrap.servers=file:9092\n"
                        + "schema.registry.url=http://file:8081\nprobe.max-wait=PT5S\n");
        Run defaults = run(Map.of());
        assertThat(defaults.probe().window).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.probe().connection.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(defaults.probe().maxWait).isEqualTo(Duration.ofSeconds(2));

        Run fromFile = run(Map.of("FUSEFLOW_SCHEMA_REGISTRY_URL", "http://env:8081"), "--config", file.toString());
        assertThat(fromFile.probe().window).isEqualTo(Duration.ofSeconds(30));
        assertThat(fromFile.probe().connection.bootstrapServers()).isEqualTo("file:9092");
        assertThat(fromFile.probe().connection.schemaRegistryUrl())
                .as("environment over file")
                .isEqualTo("http://env:8081");
        assertThat(fromFile.probe().maxWait)
                .as("an unbound option's key is <command>.<option>")
                .isEqualTo(Duration.ofSeconds(5));

        Run cli = run(
                Map.of("FUSEFLOW_PROBE_WINDOW", "1m", "FUSEFLOW_PROBE_MAX_WAIT", "PT7S"),
                "-c",
                file.toString(),
                "--window",
                "2m",
                "--bootstrap-servers",
                "cli:9092");
        assertThat(cli.probe().window).isEqualTo(Duration.ofMinutes(2));
        assertThat(cli.probe().connection.bootstrapServers()).isEqualTo("cli:9092");
        assertThat(cli.probe().maxWait).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void keysOfOptionsFollowOneRule() {
        CommandLine line = CommandLines.configure(new CommandLine(new Probe()), new String[0], Map.of(), DECLARED);
        assertThat(SettingsDefaultProvider.key(line.getCommandSpec().findOption("--bootstrap-servers")))
                .isEqualTo("bootstrap.servers");
        assertThat(SettingsDefaultProvider.key(line.getCommandSpec().findOption("--window")))
                .isEqualTo("probe.window");
        assertThat(SettingsDefaultProvider.key(line.getCommandSpec().findOption("--max-wait")))
                .isEqualTo("probe.max-wait");
    }

    @Test
    void aSubcommandsUnboundOptionsAreKeyedByTheSubcommandItsBoundOnesByTheirSetting() throws Exception {
        Path file = Files.writeString(dir.resolve("serve.properties"), "serve.beta=0.2\nbootstrap.servers=file:9092\n");
        String[] args = {"serve", "--config", file.toString()};
        SettingsDefaultProvider provider =
                SettingsDefaultProvider.from(args, Map.of("FUSEFLOW_SCHEMA_REGISTRY_URL", "http://env:8081"));
        CommandLine line = new CommandLine(new Program()).setDefaultValueProvider(provider);
        Serve serve = (Serve) line.parseArgs("serve").subcommand().commandSpec().userObject();
        assertThat(serve.hyperparameters.beta)
                .as("serve.beta, FUSEFLOW_SERVE_BETA")
                .isEqualTo(0.2);
        assertThat(serve.connection.bootstrapServers()).isEqualTo("file:9092");
        assertThat(serve.connection.schemaRegistryUrl()).isEqualTo("http://env:8081");
        Serve fromEnv = (Serve) new CommandLine(new Program())
                .setDefaultValueProvider(
                        SettingsDefaultProvider.from(new String[0], Map.of("FUSEFLOW_SERVE_BETA", "0.3")))
                .parseArgs("serve")
                .subcommand()
                .commandSpec()
                .userObject();
        assertThat(fromEnv.hyperparameters.beta).isEqualTo(0.3);
    }

    @Test
    void aBadValueIsRefusedBeforeTheCommandRunsNamingWhereItCameFrom() throws Exception {
        assertThat(run(Map.of("FUSEFLOW_PROBE_WINDOW", "0s")).err())
                .startsWith("FUSEFLOW_PROBE_WINDOW (probe.window) must be a positive duration, got PT0S");
        assertThat(run(Map.of("FUSEFLOW_PROBE_WINDOW", "soon")).err())
                .startsWith(
                        "FUSEFLOW_PROBE_WINDOW (probe.window) must be a duration like 500ms, 30s, 5m, 2h, 7d or PT30S, got 'soon'");
        Path file = Files.writeString(dir.resolve("bad.properties"), "probe.window=-5s\n");
        assertThat(run(Map.of(), "--config", file.toString()).err())
                .startsWith("probe.window in " + file + " must be a positive duration, got PT-5S");
        Run cli = run(Map.of(), "--window", "0s");
        assertThat(cli.exit()).isEqualTo(2);
        assertThat(cli.err()).startsWith("--window (probe.window) must be a positive duration, got PT0S");
        assertThat(run(Map.of(), "--config", dir.resolve("missing.properties").toString())
                        .err())
                .startsWith("--config " + dir.resolve("missing.properties") + ": no such file");
    }

    @Test
    void helpIsGeneratedFromTheDeclarationsWithTheDefaultInEffect() {
        CommandLine line = CommandLines.configure(
                new CommandLine(new Probe()),
                new String[0],
                Map.of("FUSEFLOW_BOOTSTRAP_SERVERS", "env:9092"),
                DECLARED);
        assertThat(line.getCommandSpec().findOption("--window").description())
                .containsExactly("How long to watch. (probe.window, FUSEFLOW_PROBE_WINDOW; default: 10s)");
        assertThat(line.getCommandSpec().findOption("--bootstrap-servers").description())
                .containsExactly("Kafka bootstrap servers, host:port[,host:port...]."
                        + " (bootstrap.servers, FUSEFLOW_BOOTSTRAP_SERVERS; default: env:9092)");
        assertThat(run(Map.of(), "--help").out()).contains("--window", "How long to watch.");
    }

    @Test
    void aFileKeyThatNothingReadsIsRefusedNamingTheKeyItProbablyMeant() throws Exception {
        Path file = Files.writeString(dir.resolve("old.properties"), "max-wait=PT5S\nprobe.window=30s\n");
        Run unscoped = run(Map.of(), "--config", file.toString());
        assertThat(unscoped.exit()).isEqualTo(2);
        assertThat(unscoped.err())
                .startsWith("--config " + file + ": unknown key max-wait (did you mean probe.max-wait?)");

        Path misspelt =
                Files.writeString(dir.resolve("typo.properties"), "probe.windw=30s\nbootstrap.servers=file:9092\n");
        assertThat(run(Map.of(), "--config", misspelt.toString()).err())
                .startsWith("--config " + misspelt + ": unknown key probe.windw;");

        Path known = Files.writeString(
                dir.resolve("known.properties"), "probe.max-wait=PT5S\nfuseflow.security.protocol=PLAINTEXT\n");
        Run fine = run(Map.of(), "--config", known.toString());
        assertThat(fine.exit()).as(fine.err()).isZero();
        assertThat(fine.probe().maxWait).isEqualTo(Duration.ofSeconds(5));
    }
}
