package dev.fuseflow.local.sources;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.local.sources.SourceArchitecture.ModelShape;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * How one neural source model is made: its architecture and tokenizer, the skills it learns (and
 * only those), how many supervised samples of them, and the {@code fuseflow-trainer train} options
 * of its SFT run. Everything here goes into its {@link #fingerprint()}, so a changed recipe trains a
 * new model instead of reusing an old one.
 *
 * @param name         the model name of its generations, e.g. {@code source-wordsmith-gpt2}
 * @param skills       the skills it is trained on, its strong ones, asked in turn (one listed twice is asked
 *                     twice as often)
 * @param architecture GPT-2 or Qwen3
 * @param shape        its sizes
 * @param tokenizer    its tokenizer and chat template
 * @param samples      supervised samples drawn (training-side prompts only)
 * @param seed         the samples' draws, the initial weights and the data order
 * @param trainOptions {@code fuseflow-trainer train} options besides model, data, output and seed
 */
public record SourceRecipe(
        String name,
        List<Skill> skills,
        SourceArchitecture architecture,
        ModelShape shape,
        SourceTokenizer tokenizer,
        int samples,
        long seed,
        List<String> trainOptions) {

    /** Bump when the builder itself changes what a recipe produces. */
    private static final int BUILDER_VERSION = 1;

    public SourceRecipe {
        skills = List.copyOf(skills);
        trainOptions = List.copyOf(trainOptions);
        if (!name.matches("[a-z0-9-]+") || skills.isEmpty() || samples < 1) {
            throw new IllegalArgumentException("a source recipe needs a name of [a-z0-9-], at least one skill and"
                    + " samples >= 1; got '" + name + "', " + skills + ", " + samples);
        }
    }

    /** The recipe as text: what {@code recipe.txt} records beside the model. */
    public String describe() {
        return "name " + name + "\nbuilder " + BUILDER_VERSION + "\nskills " + skills + "\narchitecture "
                + architecture + " (" + shape + ")\ntokenizer " + tokenizer + "\nsamples " + samples + "\nseed "
                + seed + "\ntrain " + String.join(" ", trainOptions) + "\n";
    }

    /** 12 hex digits of SHA-256 over the recipe, the tokenizer's bytes and template included. */
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(describe().getBytes(StandardCharsets.UTF_8));
            sha.update(tokenizer.fingerprintText().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The same recipe on another number of samples (one update per 32): a brief one for tests. */
    public SourceRecipe withSamples(int samples) {
        return new SourceRecipe(name, skills, architecture, shape, tokenizer, samples, seed, trainOptions);
    }
}
