package dev.fuseflow.runtime.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/configuration.md, generated from the declarations: a table per component of its settings
 * (key, environment variable, type, default, meaning) or of its command line's options. Each
 * module's test renders its sections and holds the committed page to them
 * ({@link #requireCurrent}); {@code -Dfuseflow.docs.regenerate=true} writes them instead.
 */
public final class ConfigReference {

    /** The page, found from the working directory up (a module's tests run in the module's folder). */
    public static final String PAGE = "docs/configuration.md";

    public static final String REGENERATE = "fuseflow.docs.regenerate";

    private ConfigReference() {}

    /**
     * A table of a component's settings, but for those the page shows in a section of their own
     * ({@code shownElsewhere}, e.g. the security settings), then where its passthrough prefixes go.
     */
    @SafeVarargs
    public static String settings(SettingSet set, Collection<? extends Setting<?>>... shownElsewhere) {
        Set<String> elsewhere = new HashSet<>();
        for (Collection<? extends Setting<?>> group : shownElsewhere) {
            group.forEach(setting -> elsewhere.add(setting.key()));
        }
        StringBuilder out = new StringBuilder();
        out.append("| key | environment variable | type | default | meaning |\n|---|---|---|---|---|\n");
        for (Setting<?> setting : set.settings().stream()
                .filter(setting -> !elsewhere.contains(setting.key()))
                .toList()) {
            out.append(row(
                    code(setting.key()) + aliases(setting),
                    code(setting.envName()),
                    setting.type().name(),
                    defaultOf(setting),
                    meaning(setting)));
        }
        new TreeMap<>(set.passthrough())
                .forEach((prefix, target) -> out.append("\nKeys under `")
                        .append(prefix)
                        .append("` go to ")
                        .append(target)
                        .append(", the prefix removed; one that names a FuseFlow setting or a client")
                        .append(" setting FuseFlow sets itself is refused at start.\n"));
        return out.toString();
    }

    /**
     * A table of the options of {@code line}'s command and, under a heading each, of its
     * subcommands: the option, its key and variable (by {@link SettingsDefaultProvider}'s rule),
     * type, default and meaning. {@code line} is built as its program builds it (with
     * {@link CommandLines#configure}, whose provider knows the declarations the options are bound to);
     * options of {@code mixinsShownElsewhere} (the connection options, which have a section) are left out.
     */
    public static String options(CommandLine line, Class<?>... mixinsShownElsewhere) {
        Map<String, Setting<?>> bound = new TreeMap<>();
        if (line.getCommandSpec().defaultValueProvider() instanceof SettingsDefaultProvider provider) {
            provider.settings().forEach(setting -> bound.put(setting.key(), setting));
        }
        StringBuilder out = new StringBuilder();
        appendOptions(out, line, bound, Set.of(mixinsShownElsewhere), 0);
        return out.toString();
    }

    /**
     * Fails unless the page's section {@code section} is {@code text}; with {@code -Dfuseflow.docs.regenerate=true}
     * writes it instead. A section lies between {@code <!-- generated: NAME -->} and {@code <!-- end generated: NAME -->}.
     */
    public static void requireCurrent(String section, String text) {
        Path page = page();
        try {
            String content = Files.readString(page);
            String begin = "<!-- generated: " + section + " (from the declarations; edit those, then regenerate) -->\n";
            String end = "<!-- end generated: " + section + " -->";
            int from = content.indexOf(begin);
            int to = content.indexOf(end);
            if (from < 0 || to < from) {
                throw new AssertionError(page + " has no section '" + section + "': add the two lines\n" + begin + end);
            }
            String current = content.substring(from + begin.length(), to);
            if (current.equals(text)) {
                return;
            }
            if (Boolean.getBoolean(REGENERATE)) {
                Files.writeString(page, content.substring(0, from + begin.length()) + text + content.substring(to));
                return;
            }
            throw new AssertionError(page + " section '" + section
                    + "' differs from the declarations; regenerate it with" + " mvn test -D" + REGENERATE
                    + "=true. Expected:\n" + text + "\nbut the page has:\n" + current);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + page, e);
        }
    }

    private static void appendOptions(
            StringBuilder out, CommandLine line, Map<String, Setting<?>> bound, Set<Class<?>> elsewhere, int depth) {
        CommandSpec spec = line.getCommandSpec();
        List<OptionSpec> options = spec.options().stream()
                .filter(o -> !o.hidden() && !o.usageHelp() && !o.versionHelp())
                .filter(o -> !(o.userObject() instanceof Field field && elsewhere.contains(field.getDeclaringClass())))
                .toList();
        if (depth > 0) {
            out.append("\n")
                    .append("#".repeat(2 + Math.min(depth, 2)))
                    .append(" `")
                    .append(spec.qualifiedName(" "))
                    .append("`\n\n");
        }
        if (!options.isEmpty()) {
            out.append(
                    "| option | key | environment variable | type | default | meaning |\n|---|---|---|---|---|---|\n");
            options.forEach(option -> out.append(optionRow(option, bound)));
        }
        for (CommandLine sub :
                line.getSubcommands().values().stream().distinct().toList()) {
            if (sub.getCommandSpec().parent() == spec
                    && !sub.getCommandSpec().usageMessage().hidden()) {
                appendOptions(out, sub, bound, elsewhere, depth + 1);
            }
        }
    }

    private static String optionRow(OptionSpec option, Map<String, Setting<?>> bound) {
        String key = SettingsDefaultProvider.key(option);
        Setting<?> setting = bound.get(key);
        boolean layered = SettingsDefaultProvider.layered(option);
        String names = code(String.join(", ", option.names()));
        if (setting == null) {
            return row(
                    names,
                    layered ? code(key) : "",
                    layered ? code(Settings.envName(key)) : "",
                    typeOf(option),
                    defaultOf(option),
                    description(option));
        }
        return row(
                names, code(key), code(setting.envName()), setting.type().name(), defaultOf(setting), meaning(setting));
    }

    private static String row(String... cells) {
        return "| "
                + Arrays.stream(cells)
                        .map(c -> c.replace("|", "\\|").replace("\n", " "))
                        .collect(Collectors.joining(" | "))
                + " |\n";
    }

    private static String code(String text) {
        return text.isEmpty() ? "" : "`" + text + "`";
    }

    private static String aliases(Setting<?> setting) {
        return setting.aliases().isEmpty()
                ? ""
                : " (was " + setting.aliases().stream().map(a -> code(a.key())).collect(Collectors.joining(", ")) + ")";
    }

    private static String defaultOf(Setting<?> setting) {
        return setting.defaultText()
                .map(text -> text.isBlank() ? "(empty)" : code(text))
                .orElse("");
    }

    private static String defaultOf(OptionSpec option) {
        if (option.required()) {
            return "(required)";
        }
        String annotated = option.defaultValue();
        if (annotated != null && !annotated.isEmpty()) {
            return code(annotated);
        }
        Object initial = option.initialValue();
        boolean shown = initial != null
                && !Boolean.FALSE.equals(initial)
                && !(initial instanceof Collection<?> c && c.isEmpty())
                && !(initial instanceof Map<?, ?> m && m.isEmpty())
                && !String.valueOf(initial).isEmpty();
        return shown ? code(String.valueOf(initial)) : "";
    }

    /** The option's description as the table shows it: the default has its own column, the candidates are spelt out. */
    private static String description(OptionSpec option) {
        String text = String.join(" ", option.description());
        String shown = option.defaultValue() != null ? option.defaultValue() : String.valueOf(option.initialValue());
        Pattern inParentheses = Pattern.compile("\\s*\\(default:? " + Pattern.quote(shown) + "(?:[,;] ([^)]*))?\\)");
        text = inParentheses
                .matcher(text)
                .replaceAll(match -> match.group(1) == null ? "" : " (" + match.group(1) + ")");
        text = Pattern.compile(";\\s*default:? " + Pattern.quote(shown) + "\\)")
                .matcher(text)
                .replaceAll(")");
        if (option.type().isEnum()) {
            text = text.replace(
                    "${COMPLETION-CANDIDATES}",
                    Arrays.stream(option.type().getEnumConstants())
                            .map(String::valueOf)
                            .collect(Collectors.joining(", ")));
        }
        return text;
    }

    private static String meaning(Setting<?> setting) {
        String rule = setting.check().rule();
        return setting.doc() + (rule.isEmpty() ? "" : " Must " + rule + ".");
    }

    private static String typeOf(OptionSpec option) {
        Class<?> type = option.typeInfo().isCollection() ? option.typeInfo().getAuxiliaryTypes()[0] : option.type();
        if (type.isEnum()) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(String::valueOf)
                            .collect(Collectors.joining(", "));
        }
        if (option.typeInfo().isMap()) {
            return "key=value, repeatable";
        }
        Map<Class<?>, String> names = Map.of(
                int.class,
                "integer",
                Integer.class,
                "integer",
                long.class,
                "integer",
                Long.class,
                "integer",
                boolean.class,
                "flag",
                Boolean.class,
                "flag",
                String.class,
                "string",
                Path.class,
                "path",
                Duration.class,
                "duration",
                double.class,
                "decimal");
        String name = Optional.ofNullable(names.get(type)).orElse("string");
        return option.isMultiValue() ? name + ", repeatable" : name;
    }

    private static Path page() {
        List<Path> tried = new ArrayList<>();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(PAGE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            tried.add(candidate);
        }
        throw new IllegalStateException("No " + PAGE + " at " + tried);
    }
}
