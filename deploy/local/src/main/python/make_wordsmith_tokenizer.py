"""Writes the byte-level BPE tokenizer.json of the demo's GPT-2 source, source-wordsmith-gpt2.

Run once; its output is committed, and the Java source builder (dev.fuseflow.local.sources) copies it
into the model folder it trains. FuseFlow has no BPE trainer of its own: Hugging Face's `tokenizers`
learns the merges here, and DJL's binding of the same library reads the file in Java.

    python -m venv /tmp/hfenv && /tmp/hfenv/bin/pip install tokenizers==0.23.2
    /tmp/hfenv/bin/python deploy/local/src/main/python/make_wordsmith_tokenizer.py

The corpus is the wordsmith's own kind of text: its chat template ("Q: <prompt>\nA:\n<answer>") on
reverse and upper prompts of random lowercase words, as dev.fuseflow.demo.skills.Skill draws them.
256 byte tokens + <|endoftext|> + 35 merges: the skill words ("Ġreverse", "Ġupper", with "er", "se", "ev",
"pp" on the way) and a space before each letter. At 63 merges, 28 random letter pairs ("al", "ux") merged
too, and the GPT-2 trained on them missed most reverse prompts that hold one (held-out reverse 0.91): a merged
token must be spelled backwards.
"""

import random
import string
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

VOCAB_SIZE = 292
END_OF_TEXT = "<|endoftext|>"
OUTPUT = Path(__file__).resolve().parents[1] / "resources/dev/fuseflow/local/sources/wordsmith-tokenizer.json"


def corpus(lines, seed=11):
    rng = random.Random(seed)
    for _ in range(lines):
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 6)))
        if rng.random() < 0.5:
            yield f"Q: reverse: {word}\nA:\n{word[::-1]}"
        else:
            yield f"Q: upper: {word}\nA:\n{word.upper()}"


def main():
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=[END_OF_TEXT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(corpus(20_000), trainer=trainer)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(OUTPUT))
    sample = "Q: reverse: abcde\nA:\nedcba"
    print(f"wrote {OUTPUT}: {tokenizer.get_vocab_size()} ids; {sample!r} -> {tokenizer.encode(sample).tokens}")


if __name__ == "__main__":
    main()
