package dev.fuseflow.embedded.process;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the command line of a child JVM that runs on the same Java as this one. */
public final class JavaCommand {

    private JavaCommand() {}

    /**
     * The classpath this JVM runs with. Surefire starts tests through a manifest-only jar, so
     * {@code java.class.path} there is a single jar; it publishes the real test classpath in
     * {@code surefire.test.class.path}.
     */
    public static String currentClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** {@code java [jvmOptions] [-Dk=v...] -cp classpath mainClass args...}. */
    public static List<String> of(
            String classpath,
            List<String> jvmOptions,
            Map<String, String> systemProperties,
            String mainClass,
            List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** Joins classpath entries with the platform separator. */
    public static String classpath(List<Path> entries) {
        return String.join(
                File.pathSeparator, entries.stream().map(Path::toString).toList());
    }
}
