package dev.fuseflow.runtime.config;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.RunLast;

/**
 * How every FuseFlow command line is built, so that each gets the same layering and the same
 * failures: {@link SettingsDefaultProvider} (file and environment by the one rule), the
 * declarations' {@code --help} text ({@link SettingsHelp}), durations as everywhere else
 * ({@code 500ms}, {@code 30s}, {@code PT30S}), the command line's values of bound options checked
 * before the command runs, {@code --version} ({@link FuseFlowVersion}), and a bad setting (or an unreadable
 * file) reported as one line with exit code 2.
 */
public final class CommandLines {

    private CommandLines() {}

    /** {@code line}, configured for {@code args} and {@code env}; {@code declared} are the command's own settings. */
    public static CommandLine configure(
            CommandLine line, String[] args, Map<String, String> env, SettingSet... declared) {
        SettingsDefaultProvider defaults = SettingsDefaultProvider.from(args, env, declared);
        requireBindingsTyped(line, defaults);
        withDurations(line);
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setResourceBundle(new SettingsHelp(defaults.settings()));
        giveVersion(line);
        line.setDefaultValueProvider(defaults);
        line.setExecutionStrategy(parsed -> {
            defaults.requireKnownFileKeys(line);
            defaults.validate(parsed);
            return new RunLast().execute(parsed);
        });
        line.setExecutionExceptionHandler((e, failed, parsed) -> {
            if (e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException
                    || e instanceof UncheckedIOException) {
                failed.getErr().println(failed.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return line;
    }

    /**
     * {@code line}'s usage footer: every setting of {@code declared} with its variable and default, for a
     * service whose settings are keys ({@link ConfigOptions}) rather than options.
     */
    public static CommandLine listSettings(CommandLine line, SettingSet declared) {
        List<String> footer = new ArrayList<>();
        footer.add(
                "%nSettings (in the --config file, as the FUSEFLOW_ variable, or --set key=value; docs/configuration.md):");
        for (Setting<?> setting : declared.settings()) {
            String defaultText = setting.defaultText()
                    .filter(text -> !text.isBlank())
                    .map(text -> " = " + text)
                    .orElse("");
            footer.add(escaped("  " + setting.key() + defaultText + "  (" + setting.envName() + ")"));
            footer.add(escaped("      " + setting.doc()));
        }
        declared.passthrough().keySet().stream()
                .sorted()
                .forEach(prefix -> footer.add(escaped(
                        "  " + prefix + "*  passed to " + declared.passthrough().get(prefix) + ", prefix removed")));
        line.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        return line;
    }

    /**
     * {@code line} reading durations as every FuseFlow setting does, {@code 500ms}, {@code 30s}, {@code 5m} or ISO-8601
     * {@code PT30S} ({@link Settings#parseDuration}); for a line built without {@link #configure} too.
     */
    public static CommandLine withDurations(CommandLine line) {
        return line.registerConverter(Duration.class, Settings::parseDuration);
    }

    /** {@code --version} of the command and of every subcommand prints FuseFlow's version ({@link FuseFlowVersion}). */
    private static void giveVersion(CommandLine line) {
        if (line.getCommandSpec().version().length == 0) {
            line.getCommandSpec().versionProvider(new FuseFlowVersion());
        }
        line.getSubcommands().values().forEach(CommandLines::giveVersion);
    }

    /** An option bound to a setting must hold the setting's type: a declaration mistake fails every test that builds the line. */
    private static void requireBindingsTyped(CommandLine line, SettingsDefaultProvider defaults) {
        Map<String, Setting<?>> byKey = new HashMap<>();
        defaults.settings().forEach(setting -> byKey.put(setting.key(), setting));
        for (OptionSpec option : line.getCommandSpec().options()) {
            Setting<?> setting = byKey.get(option.descriptionKey());
            if (setting != null
                    && setting.defaultText().filter(text -> !text.isBlank()).isPresent()) {
                Object value = setting.defaultValue();
                if (!boxed(option.type()).isInstance(value)) {
                    throw new IllegalStateException(option.longestName() + " of " + line.getCommandName() + " is a "
                            + option.type().getSimpleName() + " but its setting " + setting.key() + " is a "
                            + value.getClass().getSimpleName());
                }
            }
        }
        line.getSubcommands().values().forEach(sub -> requireBindingsTyped(sub, defaults));
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return Map.<Class<?>, Class<?>>of(
                        int.class,
                        Integer.class,
                        long.class,
                        Long.class,
                        double.class,
                        Double.class,
                        boolean.class,
                        Boolean.class)
                .getOrDefault(type, type);
    }

    private static String escaped(String text) {
        return text.replace("%", "%%");
    }
}
