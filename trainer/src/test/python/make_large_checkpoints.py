#!/usr/bin/env python3
"""Larger random checkpoints, one per architecture, saved sharded in bfloat16 by transformers (not committed).

python3 make_large_checkpoints.py OUT_DIR [SHARD_SIZE, default 100MB]
Writes OUT_DIR/NAME/ (config.json, model-0000N-of-0000M.safetensors, model.safetensors.index.json) and
golden.safetensors (logits of make_golden.py's two rows, from the bf16 weights widened to float32), so
`fuseflow-trainer inspect OUT_DIR/NAME --expect OUT_DIR/NAME/golden.safetensors` checks sharded loading.

python3 make_large_checkpoints.py OUT_DIR 5GB llama-1b   writes only the ~1.2B Llama 3.2 1B shape (2.5 GB).
"""
import sys

import torch
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, MistralConfig,
                          MistralForCausalLM, Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM)

from make_golden import write_golden

SHAPE = dict(vocab_size=32000, hidden_size=1024, intermediate_size=2816, num_hidden_layers=8,
             num_attention_heads=16, num_key_value_heads=4, max_position_embeddings=4096)
LLAMA_1B = dict(vocab_size=128256, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
                num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=131072, tie_word_embeddings=True,
                rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0, "low_freq_factor": 1.0,
                                 "high_freq_factor": 4.0, "original_max_position_embeddings": 8192})
MODELS = {
    "llama3-large": (LlamaForCausalLM, LlamaConfig(**SHAPE, rope_parameters={
        "rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
        "high_freq_factor": 4.0, "original_max_position_embeddings": 1024}, tie_word_embeddings=True)),
    "qwen2-large": (Qwen2ForCausalLM, Qwen2Config(**SHAPE)),
    "qwen3-large": (Qwen3ForCausalLM, Qwen3Config(**SHAPE, head_dim=128)),
    "mistral-large": (MistralForCausalLM, MistralConfig(**SHAPE, sliding_window=4)),
    "llama-1b": (LlamaForCausalLM, LlamaConfig(**LLAMA_1B)),
    "gpt2-large": (GPT2LMHeadModel, GPT2Config(vocab_size=32000, n_positions=1024, n_embd=1024, n_layer=8,
                                               n_head=16)),
}


def main(out: str, shard: str, names) -> None:
    for name, (model_class, config) in MODELS.items():
        if (names and name not in names) or (not names and name == "llama-1b"):
            continue
        torch.manual_seed(3)
        model = model_class(config).eval().to(torch.bfloat16)
        folder = f"{out}/{name}"
        model.save_pretrained(folder, max_shard_size=shard)
        write_golden(model_class.from_pretrained(folder, dtype=torch.float32).eval(), folder)
        print(f"{name}: {sum(p.numel() for p in model.parameters()) / 1e6:.0f}M parameters")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "100MB", sys.argv[3:])
