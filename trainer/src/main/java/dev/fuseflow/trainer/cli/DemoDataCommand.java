package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.data.ShoutTask;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code demo-data}: writes the shout-a-word demo workload as JSONL of WRPO samples. */
@Command(name = "demo-data", mixinStandardHelpOptions = true,
        description = "Write FuseFlow's demo workload (shout a word) as JSONL WRPO samples for train and eval.")
final class DemoDataCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--output", required = true)
    Path output;

    @Option(names = "--count", defaultValue = "300")
    int count;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be >= 1, got " + count);
        }
        ShoutTask.write(output, ShoutTask.samples(count, seed));
        spec.commandLine().getOut().println("wrote " + count + " samples to " + output);
        return 0;
    }
}
