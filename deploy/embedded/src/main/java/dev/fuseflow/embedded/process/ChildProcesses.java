package dev.fuseflow.embedded.process;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every child process the embedded infrastructure starts, so that none outlives this JVM.
 *
 * <p>Two mechanisms together: a shutdown hook stops the children when this JVM exits normally or
 * by SIGTERM, and each child runs {@link ParentWatch} so that it also exits when this JVM is
 * killed with SIGKILL (which runs no hook).
 */
public final class ChildProcesses {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcesses.class);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll, "fuseflow-child-reaper"));
    }

    private ChildProcesses() {}

    /** Remembers a started child until {@link #stop} or JVM exit. */
    public static Process track(Process process) {
        LIVE.add(process);
        return process;
    }

    /**
     * Asks a child to stop (closing its stdin, then SIGTERM) and kills it if it has not exited
     * within the grace period.
     */
    public static void stop(Process process) {
        LIVE.remove(process);
        if (!process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Child process {} ignored SIGTERM for {}; killing it", process.pid(), GRACE);
                    process.destroyForcibly().waitFor();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            process.destroyForcibly();
        }
    }

    /** Kills a child at once with SIGKILL, as a crash would, and waits until it is gone. */
    public static void kill(Process process) {
        LIVE.remove(process);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stopAll() {
        LIVE.forEach(ChildProcesses::stop);
    }
}
