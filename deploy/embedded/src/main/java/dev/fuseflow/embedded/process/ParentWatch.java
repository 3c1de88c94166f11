package dev.fuseflow.embedded.process;

import java.io.IOException;
import java.io.InputStream;

/**
 * Lets a child JVM notice that its parent died, even by SIGKILL, when no shutdown hook runs.
 *
 * <p>The parent keeps the child's stdin pipe open for the child's whole life and never writes to
 * it. When the parent exits for any reason the kernel closes the pipe, the child reads end of
 * file and runs {@code onParentGone}. Deliberately JDK-only: it runs on the classpath of foreign
 * applications (the registry).
 */
public final class ParentWatch {

    private ParentWatch() {}

    /** Starts a daemon thread that calls {@code onParentGone} once stdin reaches end of file. */
    public static void start(Runnable onParentGone) {
        Thread watcher = new Thread(
                () -> {
                    try (InputStream stdin = System.in) {
                        while (stdin.read() != -1) {
                            // The parent never writes; anything read is ignored.
                        }
                    } catch (IOException e) {
                        // A broken pipe means the same as end of file: the parent is gone.
                    }
                    onParentGone.run();
                },
                "fuseflow-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
