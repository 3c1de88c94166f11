package dev.fuseflow.local.sources;

import dev.fuseflow.demo.skills.Skill;
import dev.fuseflow.local.sources.SourceArchitecture.ModelShape;
import java.util.List;

/**
 * The demo's two neural sources, each of another architecture and tokenizer than the target (a
 * Llama with the 128-id character tokenizer and the FUSEFLOW template), each trained on its own
 * strong skills only, so that neither alone is good at the whole mix:
 *
 * <ul>
 *   <li>{@code source-wordsmith-gpt2}: GPT-2 with a byte-level BPE (292 ids) and a {@code Q:/A:}
 *       template, on reverse and upper (reverse twice as often: BPE merges make it the harder one);</li>
 *   <li>{@code source-numerist-qwen3}: Qwen3 with a character tokenizer of its own (digits first,
 *       no capitals, so it cannot even write an upper answer) and ChatML, on sort and add (add twice as
 *       often: it must generalise from ~350 training facts to the held-out ones).</li>
 * </ul>
 *
 * <p>Measured held-out rewards and build times: docs/learning.md, section 4.
 */
public final class SourceRecipes {

    /** The byte-level BPE of the wordsmith (see {@link SourceTokenizer.ByteLevelBpe}). */
    public static final String WORDSMITH_TOKENIZER = "/dev/fuseflow/local/sources/wordsmith-tokenizer.json";

    /** Offline SFT of a tiny model on a CPU: the demo trainer's micro-batch and peak rate, a cosine to a twentieth. */
    private static final List<String> SFT = List.of("""
            --objective SFT --sft-fraction 1 --micro-batch 32 --accumulation 1 --sft-lr 3e-3 --warmup-ratio 0.05
            --min-lr-ratio 0.05 --max-length 64 --max-prompt-length 48 --log-every 250 --checkpoint-every 1000000
            --keep-checkpoints 1 --device cpu
            """.strip().split("\\s+"));

    private SourceRecipes() {}

    public static List<SourceRecipe> demoPair() {
        return List.of(wordsmith(), numerist());
    }

    public static SourceRecipe wordsmith() {
        return new SourceRecipe(
                "source-wordsmith-gpt2",
                List.of(Skill.REVERSE, Skill.REVERSE, Skill.UPPER),
                SourceArchitecture.GPT2,
                new ModelShape(64, 2, 4, 64),
                new SourceTokenizer.ByteLevelBpe(WORDSMITH_TOKENIZER),
                24_000,
                11,
                SFT);
    }

    public static SourceRecipe numerist() {
        return new SourceRecipe(
                "source-numerist-qwen3",
                List.of(Skill.SORT, Skill.ADD, Skill.ADD),
                SourceArchitecture.QWEN3,
                new ModelShape(64, 2, 4, 64),
                new SourceTokenizer.Characters("0123456789+: \nabcdefghijklmnopqrstuvwxyz"),
                24_000,
                13,
                SFT);
    }
}
