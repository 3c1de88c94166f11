#!/usr/bin/env python3
"""Golden files for FuseFlow's Hugging Face parity tests.

Run where PyTorch and transformers are installed (the GPU machine has both; no download is
needed, the model is random):  python3 make_golden.py OUT_DIR
Writes OUT_DIR/gpt2-tiny/{config.json, model.safetensors, golden.safetensors}: a tiny random
GPT-2 saved by transformers itself, and its logits and summed response log-probabilities for a
right-padded and a left-padded sequence.
"""
import sys

import torch
from safetensors.torch import save_file
from transformers import GPT2Config, GPT2LMHeadModel


def main(out: str) -> None:
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=37, n_positions=32, n_embd=16, n_layer=2, n_head=4,
                        layer_norm_epsilon=1e-5, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model = GPT2LMHeadModel(config).eval()
    folder = f"{out}/gpt2-tiny"
    model.save_pretrained(folder, safe_serialization=True)

    input_ids = torch.tensor([[5, 9, 2, 33, 7, 1, 0, 0], [0, 0, 4, 8, 15, 16, 23, 36]])
    attention = torch.tensor([[1, 1, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1, 1]])
    response = torch.tensor([[0, 0, 0, 1, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]])
    # Positions count real tokens only, as FuseFlow's model does for left padding.
    position_ids = (attention.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        logits = model(input_ids=input_ids, attention_mask=attention, position_ids=position_ids).logits.float()
        logprobs = torch.log_softmax(logits[:, :-1, :], dim=-1)
        token_logps = logprobs.gather(-1, input_ids[:, 1:].unsqueeze(-1)).squeeze(-1) * response[:, 1:]
        response_logps = token_logps.sum(-1)
    save_file({
        "input_ids": input_ids.contiguous(),
        "attention_mask": attention.contiguous(),
        "response_mask": response.contiguous(),
        "logits": logits.contiguous(),
        "response_logps": response_logps.contiguous(),
    }, f"{folder}/golden.safetensors", metadata={"transformers": __import__("transformers").__version__,
                                               "torch": torch.__version__})
    print(f"wrote {folder}: logits {tuple(logits.shape)}, response logps {response_logps.tolist()}")


if __name__ == "__main__":
    main(sys.argv[1])
