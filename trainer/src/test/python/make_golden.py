#!/usr/bin/env python3
"""Golden files for FuseFlow's Hugging Face parity tests.

Run where PyTorch and transformers are installed (the GPU machine has both; no download is
needed, the model is random):  python3 make_golden.py OUT_DIR
Writes OUT_DIR/{gpt2-tiny, llama-tiny}/{config.json, model.safetensors, golden.safetensors}: tiny
random models (Llama with grouped-query attention) saved by transformers itself, and their logits
and summed response log-probabilities for a right-padded and a left-padded sequence.
"""
import sys

import torch
from safetensors.torch import save_file
from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

INPUT_IDS = torch.tensor([[5, 9, 2, 33, 7, 1, 0, 0], [0, 0, 4, 8, 15, 16, 23, 36]])
ATTENTION = torch.tensor([[1, 1, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1, 1]])
RESPONSE = torch.tensor([[0, 0, 0, 1, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]])


def write_golden(model, folder: str) -> None:
    """Logits and summed response log-probs for a right- and a left-padded row."""
    # Positions count real tokens only, as FuseFlow's models do for left padding.
    position_ids = (ATTENTION.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        logits = model(input_ids=INPUT_IDS, attention_mask=ATTENTION, position_ids=position_ids).logits.float()
        logprobs = torch.log_softmax(logits[:, :-1, :], dim=-1)
        token_logps = logprobs.gather(-1, INPUT_IDS[:, 1:].unsqueeze(-1)).squeeze(-1) * RESPONSE[:, 1:]
        response_logps = token_logps.sum(-1)
    save_file({
        "input_ids": INPUT_IDS.contiguous(),
        "attention_mask": ATTENTION.contiguous(),
        "response_mask": RESPONSE.contiguous(),
        "logits": logits.contiguous(),
        "response_logps": response_logps.contiguous(),
    }, f"{folder}/golden.safetensors", metadata={"transformers": __import__("transformers").__version__,
                                               "torch": torch.__version__})
    print(f"wrote {folder}: logits {tuple(logits.shape)}, response logps {response_logps.tolist()}")


def llama(out: str) -> None:
    torch.manual_seed(1)
    config = LlamaConfig(vocab_size=41, hidden_size=16, intermediate_size=40, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6,
                         max_position_embeddings=32, tie_word_embeddings=False)
    model = LlamaForCausalLM(config).eval()
    # A random init leaves the norms at 1; perturb them so the test would notice a misplaced weight.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.add_(0.1 * torch.randn_like(p))
    folder = f"{out}/llama-tiny"
    model.save_pretrained(folder, safe_serialization=True)
    write_golden(model, folder)


def main(out: str) -> None:
    llama(out)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=37, n_positions=32, n_embd=16, n_layer=2, n_head=4,
                        layer_norm_epsilon=1e-5, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model = GPT2LMHeadModel(config).eval()
    folder = f"{out}/gpt2-tiny"
    model.save_pretrained(folder, safe_serialization=True)

    write_golden(model, folder)


if __name__ == "__main__":
    main(sys.argv[1])
