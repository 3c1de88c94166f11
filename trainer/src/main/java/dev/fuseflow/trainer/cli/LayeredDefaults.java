package dev.fuseflow.trainer.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from the environment, then from a properties file, then the built-in ones: for
 * option {@code --max-length} of command {@code train}, {@code FUSEFLOW_TRAIN_MAX_LENGTH} wins over
 * the file's {@code max-length} (or {@code train.max-length}), which wins over the annotation.
 * The command line beats them all.
 */
final class LayeredDefaults implements IDefaultValueProvider {

    private final Properties file;
    private final Map<String, String> env;

    LayeredDefaults(Properties file, Map<String, String> env) {
        this.file = file;
        this.env = env;
    }

    /** Reads the file named after {@code --config} in {@code args}, if any, before picocli parses. */
    static LayeredDefaults from(String[] args, Map<String, String> env) throws IOException {
        Properties properties = new Properties();
        for (int i = 0; i < args.length; i++) {
            String path = args[i].startsWith("--config=") ? args[i].substring("--config=".length())
                    : args[i].equals("--config") && i + 1 < args.length ? args[i + 1] : null;
            if (path != null) {
                Path config = Path.of(path);
                if (!Files.isRegularFile(config)) {
                    throw new IllegalArgumentException("--config " + path + ": no such file");
                }
                try (Reader reader = Files.newBufferedReader(config)) {
                    properties.load(reader);
                }
            }
        }
        return new LayeredDefaults(properties, env);
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || option.longestName().equals("--config")) {
            return null;
        }
        String key = option.longestName().replaceFirst("^-+", "");
        String command = option.command().name();
        String fromEnv = env.get(envName(command, key));
        if (fromEnv != null) {
            return fromEnv;
        }
        String scoped = file.getProperty(command + "." + key);
        return scoped != null ? scoped : file.getProperty(key);
    }

    static String envName(String command, String key) {
        return ("FUSEFLOW_" + command + "_" + key).toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
