package dev.fuseflow.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code --version} prints in every FuseFlow command: the project's version (from the build) and the Java
 * runtime it runs on. {@link CommandLines#configure} gives it to each command and subcommand.
 */
public final class FuseFlowVersion implements IVersionProvider {

    private static final String RESOURCE = "version.properties";

    /** The project's version as the build wrote it, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = FuseFlowVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + FuseFlowVersion.class.getName());
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        return properties.getProperty("version");
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "FuseFlow ${ROOT-COMMAND-NAME} " + version(),
            "Java ${java.version} (${java.vendor} ${java.vm.name}), ${os.name} ${os.arch}"
        };
    }
}
