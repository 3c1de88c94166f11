"""Writes the byte-level BPE tokenizer of the learning experiment's GPU-scale target (docs/learning.md, item 5).

The target of the GPU-scale comparison is a Llama of about 100M parameters with a BPE tokenizer, as a platform
team's checkpoint would have, instead of the CPU target's character tokenizer. FuseFlow has no BPE trainer of
its own: Hugging Face's `tokenizers` learns the merges here, on the texts of the exported stream the arms train
on (prompts and every response), and DJL's binding of the same library reads the file in Java. The template is
ChatML, as Qwen's; `init-model --tokenizer DIR` copies the folder into the fresh model.

    /tmp/hfenv/bin/python benchmarks/gpu/learning/make_target_tokenizer.py samples.jsonl benchmarks/gpu/learning/target-tokenizer
"""

import json
import sys
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

VOCAB_SIZE = 1024
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
TEMPLATE = (
    "{% for message in messages %}"
    "<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def texts(samples: Path):
    with samples.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                sample = json.loads(line)
                for turn in sample["prompt"]:
                    yield f"<|im_start|>{turn['role'].lower()}\n{turn['content']}<|im_end|>\n"
                for response in ("sourceChosen", "targetChosen", "targetRejected"):
                    yield f"<|im_start|>assistant\n{sample[response]['text']}<|im_end|>\n"


def main():
    samples, output = Path(sys.argv[1]), Path(sys.argv[2])
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts(samples), trainer=trainer)
    output.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(output / "tokenizer.json"))
    (output / "chat_template.jinja").write_text(TEMPLATE, encoding="utf-8")
    (output / "tokenizer_config.json").write_text(json.dumps({"eos_token": "<|im_end|>"}, indent=2) + "\n")
    sample = "<|im_start|>user\nreverse: planet<|im_end|>\n"
    print(f"wrote {output}: {tokenizer.get_vocab_size()} ids; {sample!r} -> {tokenizer.encode(sample).tokens}")


if __name__ == "__main__":
    main()
