package dev.fuseflow.trainer.cli;

import dev.fuseflow.trainer.batch.SequenceBudget;
import dev.fuseflow.trainer.model.ModelDirectory;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --max-length} and {@code --max-prompt-length}, for every command that encodes samples. */
public final class SequenceOptions {

    @Option(
            names = "--max-length",
            description = "Tokens per sequence, capped at the model's context (default ${DEFAULT-VALUE}).")
    int maxLength = 2048;

    @Option(
            names = "--max-prompt-length",
            description = "Prompt tokens kept (from the end) when too long (default ${DEFAULT-VALUE}).")
    int maxPromptLength = 1800;

    /** Fails unless the two lengths fit each other, naming both options. */
    void requireValid() {
        if (maxLength < 2 || maxPromptLength < 1 || maxPromptLength >= maxLength) {
            throw new IllegalArgumentException(
                    "--max-length must be >= 2 and --max-prompt-length in [1, max-length), got " + maxLength + " and "
                            + maxPromptLength);
        }
    }

    /** The budget on {@code model}: the lengths capped at its context. */
    SequenceBudget budgetFor(Path model) throws IOException {
        requireValid();
        return SequenceBudget.cappedTo(maxLength, maxPromptLength, ModelDirectory.contextLength(model));
    }
}
