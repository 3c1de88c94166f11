package dev.fuseflow.runtime.config;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What a user meets first in a command's {@code --help} and {@code --version}, checked for every command and
 * subcommand of a command line: each module's {@code CommandHelpTest} holds its program to {@link #problems} being
 * empty. A problem is a warning picocli prints while rendering the help (an unescaped {@code %} in a description), an
 * option without a description, an option with a default whose help does not show it, a variable left unresolved
 * ({@code null}), a command without a description, or a {@code --version} that prints nothing.
 */
public final class CommandHelp {

    /** A variable picocli could not resolve where it was used (a command's description has no completion candidates). */
    private static final Pattern UNRESOLVED = Pattern.compile("[^\\n]*(\\bnull\\b|\\$\\{)[^\\n]*");

    private CommandHelp() {}

    /** Every problem of {@code line}'s help and of its subcommands', one line each naming the command and option. */
    public static List<String> problems(CommandLine line) {
        List<String> problems = new ArrayList<>();
        for (CommandLine command : commands(line)) {
            CommandSpec spec = command.getCommandSpec();
            String name = spec.qualifiedName(" ");
            String[] usage = new String[1];
            String warnings = picocliWarnings(() -> usage[0] = command.getUsageMessage(Ansi.OFF));
            if (!warnings.isBlank()) {
                problems.add(name + " --help: picocli warns: " + warnings.strip());
            }
            Matcher unresolved = UNRESOLVED.matcher(usage[0]);
            while (unresolved.find()) {
                problems.add(name + " --help shows '" + unresolved.group().strip() + "'");
            }
            if (String.join("", spec.usageMessage().description()).isBlank()) {
                problems.add(name + " has no description");
            }
            spec.options().stream()
                    .filter(option -> !option.hidden() && !option.usageHelp() && !option.versionHelp())
                    .forEach(option -> optionProblem(command, option).ifPresent(p -> problems.add(name + " " + p)));
            if (spec.mixinStandardHelpOptions() && !printsVersion(spec)) {
                problems.add(name + " --version prints no version");
            }
        }
        return problems;
    }

    private static Optional<String> optionProblem(CommandLine command, OptionSpec option) {
        String description = String.join(" ", option.description());
        if (description.isBlank()) {
            return Optional.of(option.longestName() + " has no description");
        }
        String shown = defaultShown(command, option);
        if (!shown.isEmpty()
                && !description.toLowerCase(Locale.ROOT).contains("default")
                && !description.contains(shown)) {
            return Optional.of(option.longestName() + " has the default " + shown + " but its help does not show it");
        }
        return Optional.empty();
    }

    /** The default an option has, as text; empty for none, for false, and for empty collections. */
    private static String defaultShown(CommandLine command, OptionSpec option) {
        if (option.required()) {
            return "";
        }
        String value = Optional.ofNullable(option.defaultValue()).orElseGet(() -> provided(command, option));
        if (value == null && option.initialValue() != null && !isEmpty(option.initialValue())) {
            value = String.valueOf(option.initialValue());
        }
        return value == null || value.isBlank() || "false".equals(value) ? "" : value;
    }

    private static String provided(CommandLine command, OptionSpec option) {
        if (command.getCommandSpec().defaultValueProvider() == null) {
            return null;
        }
        try {
            return command.getCommandSpec().defaultValueProvider().defaultValue(option);
        } catch (Exception e) {
            throw new IllegalStateException("The default of " + option.longestName() + " cannot be read", e);
        }
    }

    private static boolean isEmpty(Object initial) {
        return Boolean.FALSE.equals(initial)
                || initial instanceof Collection<?> c && c.isEmpty()
                || initial instanceof Map<?, ?> m && m.isEmpty();
    }

    private static boolean printsVersion(CommandSpec spec) {
        String version = String.join("\n", spec.version());
        return version.contains(FuseFlowVersion.version());
    }

    private static Collection<CommandLine> commands(CommandLine line) {
        Set<CommandLine> all = new LinkedHashSet<>();
        all.add(line);
        line.getSubcommands().values().forEach(sub -> all.addAll(commands(sub)));
        return all;
    }

    /**
     * What picocli's tracer printed while {@code render} ran: it writes to {@code System.err} as it is at each warning,
     * so this swaps it for the rendering (what other threads print meanwhile is caught too; this is for tests).
     */
    private static synchronized String picocliWarnings(Runnable render) {
        PrintStream before = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            render.run();
        } finally {
            System.setErr(before);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
