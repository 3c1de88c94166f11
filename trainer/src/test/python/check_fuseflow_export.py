#!/usr/bin/env python3
"""Loads the folders FuseFlow wrote (ExportForTransformers) with transformers and compares logits.

Usage: python3 check_fuseflow_export.py DIR   (DIR holds gpt2-fuseflow/ and llama-fuseflow/)
Exits 1 when any max |logit difference| over real positions exceeds 1e-4.
"""
import sys

import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

INPUT_IDS = torch.tensor([[5, 9, 2, 33, 7, 1, 0, 0], [0, 0, 4, 8, 15, 16, 23, 36]])
ATTENTION = torch.tensor([[1, 1, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1, 1]])


def check(folder: str) -> float:
    model = AutoModelForCausalLM.from_pretrained(folder).eval()
    position_ids = (ATTENTION.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        theirs = model(input_ids=INPUT_IDS, attention_mask=ATTENTION, position_ids=position_ids).logits.float()
    ours = load_file(f"{folder}/fuseflow-logits.safetensors")["logits"]
    real = ATTENTION.bool()
    diff = (theirs[real] - ours[real]).abs().max().item()
    print(f"{folder}: {type(model).__name__} loaded by transformers {__import__('transformers').__version__}; "
          f"max |logit difference| {diff:.3g}")
    return diff


if __name__ == "__main__":
    worst = max(check(f"{sys.argv[1]}/gpt2-fuseflow"), check(f"{sys.argv[1]}/llama-fuseflow"))
    sys.exit(0 if worst <= 1e-4 else 1)
