package dev.fuseflow.embedded.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One child JVM that can be started, stopped, killed with SIGKILL and started again with the
 * same command. Its output goes to a log file; it is reaped with this JVM ({@link ChildProcesses}).
 */
public final class ChildJvm {

    private final String name;
    private final List<String> command;
    private final Path workingDir;
    private final Path log;
    private Process process;

    public ChildJvm(String name, List<String> command, Path workingDir, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workingDir = workingDir;
        this.log = log;
    }

    /** Starts the JVM; refuses while a previous start is still running. */
    public synchronized Process start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
        }
        try {
            Files.createDirectories(workingDir);
            process = ChildProcesses.track(new ProcessBuilder(command)
                    .directory(workingDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
        }
        return process;
    }

    /** SIGKILL, as in a crash; returns once the process is gone. */
    public synchronized void kill() {
        if (process != null) {
            ChildProcesses.kill(process);
        }
    }

    /** Graceful stop: stdin closed, then SIGTERM, then SIGKILL after a grace period. */
    public synchronized void stop() {
        if (process != null) {
            ChildProcesses.stop(process);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The process id of the running JVM. */
    public synchronized long pid() {
        if (!isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        return process.pid();
    }

    public Path log() {
        return log;
    }
}
