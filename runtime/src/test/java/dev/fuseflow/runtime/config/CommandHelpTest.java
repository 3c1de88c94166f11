package dev.fuseflow.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@link CommandHelp} finds what a new user would trip over in {@code --help} and {@code --version}. */
class CommandHelpTest {

    @Command(name = "tidy", mixinStandardHelpOptions = true, description = "A command without faults.")
    static final class Tidy implements Runnable {
        @Option(names = "--rate", description = "Share of samples, 10%% at most (default ${DEFAULT-VALUE}).")
        double rate = 0.1;

        @Option(names = "--name", defaultValue = "x", description = "A name (default x).")
        String name;

        @Option(names = "--dry-run", description = "Change nothing.")
        boolean dryRun;

        @Override
        public void run() {}
    }

    @Command(
            name = "faulty",
            mixinStandardHelpOptions = true,
            description = "A command with every fault.",
            subcommands = Sub.class)
    static final class Faulty implements Runnable {
        @Option(names = "--rate", description = "Warm-up share, 10% warm-up by default (default ${DEFAULT-VALUE}).")
        double rate = 0.1;

        @Option(names = "--quiet")
        boolean quiet;

        @Option(names = "--wait", defaultValue = "PT2S", description = "Longest wait.")
        String wait;

        @Override
        public void run() {}
    }

    @Command(name = "sub", description = "One of ${COMPLETION-CANDIDATES}.")
    static final class Sub implements Runnable {
        @Override
        public void run() {}
    }

    @Test
    void aTidyCommandConfiguredLikeEveryProgramHasNoProblemAndPrintsItsVersion() {
        CommandLine line = CommandLines.configure(new CommandLine(new Tidy()), new String[0], Map.of());
        StringWriter out = new StringWriter();
        line.setOut(new PrintWriter(out));

        assertThat(CommandHelp.problems(line)).isEmpty();
        assertThat(line.execute("--version")).isZero();
        assertThat(out.toString()).contains("FuseFlow tidy " + FuseFlowVersion.version(), "Java ");
        assertThat(FuseFlowVersion.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void anUnescapedPercentAMissingDescriptionAHiddenDefaultAnUnresolvedVariableAndAnEmptyVersionAreEachAProblem() {
        CommandLine line = new CommandLine(new Faulty());

        assertThat(CommandHelp.problems(line))
                .hasSize(6)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("faulty --help: picocli warns: ")
                        .contains("10% warm-up"))
                .contains(
                        "faulty --quiet has no description",
                        "faulty --wait has the default PT2S but its help does not show it",
                        "faulty --version prints no version",
                        "faulty --help shows 'sub  One of null.'",
                        "faulty sub --help shows 'One of null.'");
    }
}
