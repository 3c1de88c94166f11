package dev.fuseflow.embedded.process;

import dev.fuseflow.embedded.kafka.ChildProcessKafkaBroker;
import dev.fuseflow.embedded.kafka.KafkaBrokerConfig;
import java.nio.file.Path;

/** A parent JVM for {@link NoStrayProcessesTest}: starts a child broker, prints its pid, waits to be killed. */
public final class OrphanProbeMain {

    private OrphanProbeMain() {}

    public static void main(String[] args) throws InterruptedException {
        ChildProcessKafkaBroker broker = ChildProcessKafkaBroker.start(KafkaBrokerConfig.at(Path.of(args[0])));
        System.out.println("CHILD_PID=" + broker.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
