package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.model.FreshModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code init-model}: writes one of FuseFlow's built-in models, randomly initialised, as a Hugging Face folder. */
@Command(
        name = "init-model",
        mixinStandardHelpOptions = true,
        description = "Write a fresh built-in model (config.json, model.safetensors, character-level tokenizer.json).")
final class InitModelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--preset",
            defaultValue = "LLAMA_TINY",
            description = "One of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    FreshModel preset;

    @Option(names = "--output", required = true, description = "Folder to write.")
    Path output;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of the random weights (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        preset.write(output, seed);
        spec.commandLine().getOut().println("wrote " + preset + " to " + output);
        return 0;
    }
}
