#!/usr/bin/env python3
"""Loads the folders FuseFlow wrote (ExportForTransformers) with transformers and compares logits.

Usage: python3 check_fuseflow_export.py DIR   (every folder in DIR with fuseflow-logits.safetensors)
A LoRA adapter folder is loaded with PEFT onto the base its adapter_config.json names.
Each folder is loaded in float32 (a bf16 folder's weights widened, as FuseFlow widens them).
Exits 1 when any max |logit difference| over real positions exceeds 1e-4.
"""
import os
import sys

import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

INPUT_IDS = torch.tensor([[5, 9, 2, 33, 7, 1, 0, 0], [0, 0, 4, 8, 15, 16, 23, 36]])
ATTENTION = torch.tensor([[1, 1, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1, 1]])


def load(folder: str):
    """A model folder with transformers, or an adapter folder with PEFT onto the base it names."""
    if not os.path.isfile(f"{folder}/adapter_config.json"):
        return AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    from peft import PeftConfig, PeftModel
    base = AutoModelForCausalLM.from_pretrained(PeftConfig.from_pretrained(folder).base_model_name_or_path,
                                                dtype=torch.float32)
    return PeftModel.from_pretrained(base, folder).eval()


def check(folder: str) -> float:
    model = load(folder)
    position_ids = (ATTENTION.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        theirs = model(input_ids=INPUT_IDS, attention_mask=ATTENTION, position_ids=position_ids).logits.float()
    ours = load_file(f"{folder}/fuseflow-logits.safetensors")["logits"]
    real = ATTENTION.bool()
    diff = (theirs[real] - ours[real]).abs().max().item()
    weights = {}
    for name in os.listdir(folder):
        if (name.startswith("model") or name.startswith("adapter_model")) and name.endswith(".safetensors"):
            weights.update(load_file(f"{folder}/{name}"))
    dtypes = sorted({str(t.dtype).replace("torch.", "") for t in weights.values()})
    print(f"{os.path.basename(folder)}: {type(model).__name__} loaded by transformers "
          f"{__import__('transformers').__version__}, weights {'/'.join(dtypes)}; max |logit difference| {diff:.3g}")
    return diff


if __name__ == "__main__":
    folders = sorted(f for f in os.listdir(sys.argv[1])
                     if os.path.isfile(f"{sys.argv[1]}/{f}/fuseflow-logits.safetensors"))
    worst = max(check(f"{sys.argv[1]}/{f}") for f in folders)
    print(f"{len(folders)} folders, worst max |logit difference| {worst:.3g}")
    sys.exit(0 if worst <= 1e-4 else 1)
