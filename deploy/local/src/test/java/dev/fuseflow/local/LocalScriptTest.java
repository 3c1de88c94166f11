package dev.fuseflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/fuseflow-local} prints what the stack prints, without terminal escapes: it used to run the stack under
 * Maven ({@code exec:exec}), and Debian's Maven 3.8 wrote {@code ESC[0m} after every line of it, even with {@code -B}.
 */
class LocalScriptTest {

    private static final Path SCRIPT = Path.of("../../bin/fuseflow-local");

    @Test
    void theScriptRunsTheStackOnJavaNotUnderMaven() throws IOException {
        String script = String.join(
                "\n",
                Files.readAllLines(SCRIPT).stream()
                        .filter(line -> !line.strip().startsWith("#"))
                        .toList());

        assertThat(script).doesNotContain("exec:exec").contains("exec java ", LocalStackCommand.class.getName());
    }

    @Test
    void theStacksOwnOutputHasNoEscapeSequence() throws Exception {
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        LocalStackCommand.class.getName(),
                        "--help")
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(out).contains("Usage: fuseflow-local").doesNotContain("\u001b");
    }
}
