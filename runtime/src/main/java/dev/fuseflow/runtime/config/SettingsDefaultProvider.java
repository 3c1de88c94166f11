package dev.fuseflow.runtime.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The file and environment layers of every FuseFlow command line, by the one rule of
 * {@link Settings}: an option's default is its environment variable, else its key in the
 * {@code --config} file, else its declared default; what the command line says wins over all.
 *
 * <p>The key of an option bound to a declared setting ({@code @Option(descriptionKey = KEY)}) is
 * that setting's key: {@code --bootstrap-servers} is {@code bootstrap.servers} and
 * {@code FUSEFLOW_BOOTSTRAP_SERVERS} in every command. Any other option's key is its command's
 * name (without {@code fuseflow-}) and its own: {@code --max-wait} of {@code serve} is
 * {@code serve.max-wait} and {@code FUSEFLOW_SERVE_MAX_WAIT}. Values of bound options are parsed
 * and checked by their declaration, from whichever layer they come; the message names the layer.
 */
public final class SettingsDefaultProvider implements IDefaultValueProvider {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsDefaultProvider.class);
    private static final String CONFIG_OPTION = "--config";

    private final Optional<Path> file;
    private final Map<String, String> env;
    private final Map<String, Setting<?>> declared = new LinkedHashMap<>();
    private final List<String> passthroughPrefixes = new ArrayList<>();
    private Map<String, String> fileValues;

    private SettingsDefaultProvider(
            Optional<Path> file,
            Map<String, String> env,
            Collection<? extends Setting<?>> settings,
            Collection<String> passthroughPrefixes) {
        this.file = file;
        this.env = Map.copyOf(env);
        SharedSettings.CONNECTION.forEach(this::declare);
        declare(SharedSettings.SECURITY_CONFIG);
        settings.forEach(this::declare);
        this.passthroughPrefixes.addAll(passthroughPrefixes);
    }

    /** The layers for a command line about to parse {@code args}: {@code --config FILE} (or {@code -c FILE}) among them, if any. */
    public static SettingsDefaultProvider from(String[] args, Map<String, String> env, SettingSet... declared) {
        return of(configFile(args), env, declared);
    }

    public static SettingsDefaultProvider of(Optional<Path> file, Map<String, String> env, SettingSet... declared) {
        List<Setting<?>> settings = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (SettingSet set : declared) {
            settings.addAll(set.settings());
            prefixes.addAll(set.passthrough().keySet());
        }
        return new SettingsDefaultProvider(file, env, settings, prefixes);
    }

    /** Every declared setting the options may be bound to, the shared ones first. */
    public List<Setting<?>> settings() {
        return declared.values().stream().distinct().toList();
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || !layered(option)) {
            return null;
        }
        String key = key(option);
        Setting<?> setting = declared.get(key);
        String envName = Settings.envName(key);
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return checked(option, setting, envName + " (" + key + ")", fromEnv);
        }
        String fromFile = fileValues(option).get(key);
        if (fromFile != null && !fromFile.isBlank()) {
            return checked(option, setting, key + " in " + file.orElseThrow(), fromFile);
        }
        if (setting == null) {
            return null;
        }
        for (Setting.Alias alias : setting.aliases()) {
            String old = env.getOrDefault(
                    Settings.envName(alias.key()), fileValues(option).get(alias.key()));
            if (old != null) {
                LOG.warn("{} is deprecated: use {} ({}) instead", alias.key(), setting.key(), setting.envName());
                return checked(option, setting, alias.key(), alias.translate().apply(old.trim()));
            }
        }
        return setting.defaultText().filter(text -> !text.isBlank()).orElse(null);
    }

    /**
     * Checks what the command line gave the bound options of the command that runs, before it runs.
     * (Values from the file and the environment were checked as they were read.)
     */
    public void validate(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        for (OptionSpec option : leaf.matchedOptions()) {
            Setting<?> setting = declared.get(option.descriptionKey());
            if (setting != null && option.getValue() != null) {
                check(option, setting, option.longestName() + " (" + setting.key() + ")", option.getValue());
            }
        }
    }

    /**
     * Fails if the {@code --config} file holds a key that no option of {@code root}'s commands, no declared
     * setting (or old key) and no passthrough prefix knows: a misspelt or unscoped key ({@code lr} for
     * {@code train.lr}) would otherwise be read by nothing and change nothing.
     */
    public void requireKnownFileKeys(CommandLine root) {
        if (file.isEmpty()) {
            return;
        }
        Set<String> known = new HashSet<>();
        declared.values().forEach(setting -> {
            known.add(setting.key());
            setting.aliases().forEach(alias -> known.add(alias.key()));
        });
        SharedSettings.SECURITY.forEach(setting -> known.add(setting.key()));
        SharedSettings.TOPICS.forEach(setting -> known.add(setting.key()));
        optionKeys(root, known);
        List<String> unknown = fileValues(root).keySet().stream()
                .filter(key ->
                        !known.contains(key) && passthroughPrefixes.stream().noneMatch(key::startsWith))
                .sorted()
                .toList();
        if (!unknown.isEmpty()) {
            String key = unknown.get(0);
            List<String> near = known.stream()
                    .filter(candidate -> candidate.endsWith("." + key))
                    .sorted()
                    .toList();
            throw new ParameterException(
                    root,
                    CONFIG_OPTION + " " + file.get() + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
                            + String.join(", ", unknown)
                            + (near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near) + "?)")
                            + "; docs/configuration.md lists every key");
        }
    }

    private static void optionKeys(CommandLine line, Set<String> known) {
        line.getCommandSpec().options().stream()
                .filter(SettingsDefaultProvider::layered)
                .forEach(option -> known.add(key(option)));
        line.getSubcommands().values().forEach(sub -> optionKeys(sub, known));
    }

    /** The key of an option: its bound setting's, else {@code <command>.<option>}. */
    public static String key(OptionSpec option) {
        if (!option.descriptionKey().isEmpty() && !option.usageHelp() && !option.versionHelp()) {
            return option.descriptionKey();
        }
        return commandKey(option.command()) + "." + option.longestName().replaceFirst("^-+", "");
    }

    /** The command's name without {@code fuseflow-}: {@code import} for {@code fuseflow-import}, {@code serve} for {@code serve}. */
    public static String commandKey(CommandSpec command) {
        return command.name().toLowerCase(Locale.ROOT).replaceFirst("^fuseflow-", "");
    }

    /** Whether the option takes file and environment values: not --config itself, help, or a map of client settings. */
    public static boolean layered(OptionSpec option) {
        return !option.longestName().equals(CONFIG_OPTION)
                && !option.usageHelp()
                && !option.versionHelp()
                && !option.typeInfo().isMap();
    }

    private void declare(Setting<?> setting) {
        declared.put(setting.key(), setting);
    }

    private String checked(OptionSpec option, Setting<?> setting, String source, String text) {
        if (setting != null) {
            try {
                parseAndCheck(setting, source, text);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(option.command().commandLine(), e.getMessage(), e);
            }
        }
        return text.trim();
    }

    private static <T> void parseAndCheck(Setting<T> setting, String source, String text) {
        setting.require(source, setting.type().parse(source, text));
    }

    @SuppressWarnings("unchecked")
    private static <T> void check(OptionSpec option, Setting<T> setting, String name, Object value) {
        try {
            setting.require(name, (T) value);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ParameterException(option.command().commandLine(), e.getMessage(), e);
        }
    }

    private Map<String, String> fileValues(OptionSpec option) {
        return fileValues(option.command().commandLine());
    }

    private Map<String, String> fileValues(CommandLine line) {
        if (fileValues == null) {
            if (file.isPresent() && !Files.isRegularFile(file.get())) {
                throw new ParameterException(line, CONFIG_OPTION + " " + file.get() + ": no such file");
            }
            fileValues = file.map(Settings::readProperties).orElse(Map.of());
        }
        return fileValues;
    }

    private static Optional<Path> configFile(String[] args) {
        Optional<Path> found = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith(CONFIG_OPTION + "=")) {
                found = Optional.of(Path.of(args[i].substring(CONFIG_OPTION.length() + 1)));
            } else if ((args[i].equals(CONFIG_OPTION) || args[i].equals("-c")) && i + 1 < args.length) {
                found = Optional.of(Path.of(args[i + 1]));
            }
        }
        return found;
    }
}
