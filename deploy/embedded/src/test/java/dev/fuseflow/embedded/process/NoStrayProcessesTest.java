package dev.fuseflow.embedded.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoStrayProcessesTest {

    @TempDir
    Path dataDir;

    @Test
    void childBrokerExitsWhenItsParentIsKilledWithSigkill() throws Exception {
        Process parent = ChildProcesses.track(new ProcessBuilder(JavaCommand.of(
                        JavaCommand.currentClasspath(),
                        List.of("-Xmx128m"),
                        Map.of(),
                        OrphanProbeMain.class.getName(),
                        List.of(dataDir.toString())))
                .redirectErrorStream(true)
                .start());
        long childPid = readChildPid(parent);
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive)).contains(true);

        ChildProcesses.kill(parent); // SIGKILL: no shutdown hook runs in the parent

        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        !ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false));
    }

    private static long readChildPid(Process parent) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("CHILD_PID=")) {
                return Long.parseLong(line.substring("CHILD_PID=".length()));
            }
        }
        throw new AssertionError("Probe exited with " + Optional.of(parent.waitFor()) + " before starting its broker");
    }
}
