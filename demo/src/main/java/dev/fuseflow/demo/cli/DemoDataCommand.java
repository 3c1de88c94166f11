package dev.fuseflow.demo.cli;

import dev.fuseflow.demo.skills.ScriptedSource;
import dev.fuseflow.demo.skills.SkillSamples;
import dev.fuseflow.trainer.data.ShoutTask;
import dev.fuseflow.trainer.data.WrpoExampleJsonl;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code demo-data}: writes a demo workload as JSONL of WRPO samples. */
@Command(
        name = "demo-data",
        mixinStandardHelpOptions = true,
        description = "Write a FuseFlow demo workload as JSONL WRPO samples for train and eval.")
final class DemoDataCommand implements Callable<Integer> {

    /** The demo workloads. */
    enum Task {
        SHOUT,
        SKILLS
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--output", required = true, description = "JSONL file to write, one WRPO sample a line.")
    Path output;

    @Option(names = "--count", defaultValue = "300", description = "Samples to write (default ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description =
                    "Seed of the prompts and answers: the same seed writes the same file (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--task",
            defaultValue = "SHOUT",
            description =
                    "SHOUT (one skill) or SKILLS (reverse, sort, add, upper; y_ws from two scripted sources; default ${DEFAULT-VALUE}).")
    Task task;

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be >= 1, got " + count);
        }
        WrpoExampleJsonl.write(
                output,
                task == Task.SHOUT
                        ? ShoutTask.samples(count, seed)
                        : SkillSamples.samples(count, seed, ScriptedSource.demoPair()));
        spec.commandLine().getOut().println("wrote " + count + " samples to " + output);
        return 0;
    }
}
