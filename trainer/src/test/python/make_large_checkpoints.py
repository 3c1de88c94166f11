#!/usr/bin/env python3
"""Larger random checkpoints, one per architecture, saved sharded in bfloat16 by transformers (not committed).

python3 make_large_checkpoints.py OUT_DIR [SHARD_SIZE, default 100MB]
Writes OUT_DIR/NAME/ (config.json, model-0000N-of-0000M.safetensors, model.safetensors.index.json) and
golden.safetensors (logits of make_golden.py's two rows, from the bf16 weights widened to float32), so
`fuseflow-trainer inspect OUT_DIR/NAME --expect OUT_DIR/NAME/golden.safetensors` checks sharded loading.

python3 make_large_checkpoints.py OUT_DIR 5GB llama-1b   writes only the ~1.2B Llama 3.2 1B shape (2.5 GB).

python3 make_large_checkpoints.py OUT_DIR 4GB llama-8b   writes only the ~8.0B Llama 3.1 8B shape (16 GB of bf16
in 5 shards of at most 4 GB, and the index) without building the model: transformers would hold it whole (16 GB in
bf16, 32 GB while initializing in float32), more than a 24 GB machine has. Names and shapes come from a model on the
meta device; the tensors are drawn one at a time and saved shard by shard, so at most one shard is in memory. It has
no golden: the logits need the model run, which is that memory again; the 1B shape's golden checks the same
architecture at a size that fits.
"""
import json
import os
import sys

import torch
from safetensors.torch import save_file
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, MistralConfig,
                          MistralForCausalLM, Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM)

from make_golden import write_golden

SHAPE = dict(vocab_size=32000, hidden_size=1024, intermediate_size=2816, num_hidden_layers=8,
             num_attention_heads=16, num_key_value_heads=4, max_position_embeddings=4096)
LLAMA_1B = dict(vocab_size=128256, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
                num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=131072, tie_word_embeddings=True,
                rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0, "low_freq_factor": 1.0,
                                 "high_freq_factor": 4.0, "original_max_position_embeddings": 8192})
LLAMA_8B = dict(vocab_size=128256, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
                num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=131072, rms_norm_eps=1e-5,
                bos_token_id=128000, eos_token_id=128001, tie_word_embeddings=False,
                rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
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


def shard_bytes(size: str) -> int:
    """"4GB" or "100MB" in bytes, decimal as transformers counts them."""
    for unit, factor in (("GB", 10 ** 9), ("MB", 10 ** 6)):
        if size.upper().endswith(unit):
            return int(float(size[:-len(unit)]) * factor)
    return int(size)


def write_random_shards(folder: str, config: LlamaConfig, max_shard: int) -> int:
    """Random bf16 weights in transformers' sharded layout, one shard in memory at a time; returns the parameters."""
    with torch.device("meta"):
        shapes = {name: tensor.shape for name, tensor in LlamaForCausalLM(config).state_dict().items()}
    plan, sizes = [[]], [0]
    for name, shape in shapes.items():
        size = shape.numel() * 2
        if plan[-1] and sizes[-1] + size > max_shard:
            plan.append([])
            sizes.append(0)
        plan[-1].append(name)
        sizes[-1] += size
    generator = torch.Generator().manual_seed(3)
    weight_map = {}
    for i, names in enumerate(plan):
        file = f"model-{i + 1:05d}-of-{len(plan):05d}.safetensors"
        shard = {}
        for name in names:
            tensor = torch.empty(shapes[name], dtype=torch.bfloat16)
            # As transformers initializes Llama: norms at one, every matrix drawn with std initializer_range.
            shard[name] = tensor.fill_(1.0) if name.endswith("norm.weight") else tensor.normal_(
                0.0, config.initializer_range, generator=generator)
            weight_map[name] = file
        save_file(shard, os.path.join(folder, file), metadata={"format": "pt"})
        print(f"  {file}: {len(names)} tensors, {sizes[i] / 1e9:.2f} GB", flush=True)
        del shard
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as index:
        json.dump({"metadata": {"total_size": sum(sizes)}, "weight_map": weight_map}, index, indent=2)
    return sum(shape.numel() for shape in shapes.values())


def main(out: str, shard: str, names) -> None:
    if "llama-8b" in names:
        folder = f"{out}/llama-8b"
        config = LlamaConfig(**LLAMA_8B, dtype="bfloat16", architectures=["LlamaForCausalLM"])
        config.save_pretrained(folder)
        print(f"llama-8b: {write_random_shards(folder, config, shard_bytes(shard)) / 1e6:.0f}M parameters")
        names = [name for name in names if name != "llama-8b"]
        if not names:
            return
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
