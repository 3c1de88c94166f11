#!/usr/bin/env python3
"""Golden files for FuseFlow's Hugging Face parity tests.

Run where PyTorch and transformers are installed (the GPU machine has both; no download is
needed, the models are random):  python3 make_golden.py OUT_DIR [NAME ...]
Writes OUT_DIR/NAME/{config.json, model.safetensors, golden.safetensors} for every tiny random
model below (or only the NAMEs given): saved by transformers itself, with its logits and summed
response log-probabilities for a right-padded and a left-padded sequence. NAME-bf16 holds the
same model saved in bfloat16, its golden computed from the bf16 weights widened to float32.
Also writes OUT_DIR/config_fields.json: every field of each supported config class, as
transformers 5 serialises a default config (ConfigFieldsTest walks it).
"""
import json
import sys

import torch
import transformers
from safetensors.torch import save_file
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, MistralConfig,
                          MistralForCausalLM, Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM)

INPUT_IDS = torch.tensor([[5, 9, 2, 33, 7, 1, 0, 0], [0, 0, 4, 8, 15, 16, 23, 36]])
ATTENTION = torch.tensor([[1, 1, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1, 1]])
RESPONSE = torch.tensor([[0, 0, 0, 1, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]])

TINY = dict(vocab_size=41, hidden_size=16, intermediate_size=40, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, rms_norm_eps=1e-6, max_position_embeddings=32, tie_word_embeddings=False)


def rope(rope_type, **params):
    # A small theta turns the few positions of the test into large angles, so that every scaling
    # changes the logits far beyond the tolerance (the script prints by how much).
    return {"rope_parameters": {"rope_type": rope_type, "rope_theta": 50.0, **params}}


# name -> (model class, config class, config overrides)
MODELS = {
    "llama-tied": (LlamaForCausalLM, LlamaConfig, dict(tie_word_embeddings=True)),
    "llama-bias-head-dim": (LlamaForCausalLM, LlamaConfig, dict(attention_bias=True, mlp_bias=True, head_dim=8)),
    "llama-rope-linear": (LlamaForCausalLM, LlamaConfig, rope("linear", factor=2.0)),
    # max_position_embeddings 4 < the batch's 6 positions: the dynamic theta applies
    "llama-rope-dynamic": (LlamaForCausalLM, LlamaConfig, dict(max_position_embeddings=4, **rope("dynamic", factor=2.0))),
    "llama-rope-llama3": (LlamaForCausalLM, LlamaConfig, dict(head_dim=16, max_position_embeddings=64, **rope(
        "llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_position_embeddings=16))),
    "llama-rope-yarn": (LlamaForCausalLM, LlamaConfig, dict(head_dim=16, **rope("yarn", factor=4.0))),
    "llama-rope-yarn-original": (LlamaForCausalLM, LlamaConfig, dict(head_dim=16, max_position_embeddings=32, **rope(
        "yarn", factor=4.0, original_max_position_embeddings=8, beta_fast=16.0, beta_slow=2.0))),
    "qwen2-tiny": (Qwen2ForCausalLM, Qwen2Config, {}),
    "qwen2-sliding": (Qwen2ForCausalLM, Qwen2Config, dict(use_sliding_window=True, sliding_window=3, max_window_layers=1)),
    "qwen3-tiny": (Qwen3ForCausalLM, Qwen3Config, dict(head_dim=8)),
    "qwen3-bias-tied": (Qwen3ForCausalLM, Qwen3Config, dict(head_dim=8, attention_bias=True, tie_word_embeddings=True)),
    "mistral-sliding": (MistralForCausalLM, MistralConfig, dict(sliding_window=3, head_dim=4)),
}


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
    }, f"{folder}/golden.safetensors", metadata={"transformers": transformers.__version__, "torch": torch.__version__})
    print(f"wrote {folder}: logits {tuple(logits.shape)}, response logps {response_logps.tolist()}")


def perturbed(model):
    """A random init leaves norms at 1 and biases at 0; perturb them so a misplaced one shows."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight") or name.endswith(".bias"):
                p.add_(0.1 * torch.randn_like(p))
    return model


def save_both(model, model_class, out: str, name: str) -> None:
    folder = f"{out}/{name}"
    model.save_pretrained(folder, safe_serialization=True)
    write_golden(model, folder)
    bf16 = f"{out}/{name}-bf16"
    model.to(torch.bfloat16).save_pretrained(bf16, safe_serialization=True)
    write_golden(model_class.from_pretrained(bf16, dtype=torch.float32).eval(), bf16)


def family(out: str, name: str) -> None:
    model_class, config_class, overrides = MODELS[name]
    torch.manual_seed(7)
    # Larger weights than a fresh init's 0.02 make attention sharp, so positions and masks matter.
    config = config_class(**{**TINY, "initializer_range": 0.3, **overrides})
    model = perturbed(model_class(config).eval())
    if "rope_parameters" in overrides and overrides["rope_parameters"]["rope_type"] != "default":
        print(f"{name}: max |logit change| against default rope {rope_effect(model, config_class, config):.3g}")
    save_both(model, model_class, out, name)


def rope_effect(model, config_class, config) -> float:
    """How far the logits move when the same weights use the unscaled rotary embedding."""
    plain = config.to_dict()
    plain["rope_parameters"] = {"rope_type": "default", "rope_theta": config.rope_parameters["rope_theta"]}
    plain.pop("model_type", None)
    unscaled = type(model)(config_class(**plain)).eval()
    unscaled.load_state_dict(model.state_dict())
    position_ids = (ATTENTION.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        a = model(input_ids=INPUT_IDS, attention_mask=ATTENTION, position_ids=position_ids).logits
        b = unscaled(input_ids=INPUT_IDS, attention_mask=ATTENTION, position_ids=position_ids).logits
    return ((a - b).abs() * ATTENTION.unsqueeze(-1)).max().item()


def llama(out: str) -> None:
    torch.manual_seed(1)
    config = LlamaConfig(vocab_size=41, hidden_size=16, intermediate_size=40, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6,
                         max_position_embeddings=32, tie_word_embeddings=False)
    model = LlamaForCausalLM(config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.add_(0.1 * torch.randn_like(p))
    save_both(model, LlamaForCausalLM, out, "llama-tiny")


def gpt2(out: str) -> None:
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=37, n_positions=32, n_embd=16, n_layer=2, n_head=4,
                        layer_norm_epsilon=1e-5, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    save_both(GPT2LMHeadModel(config).eval(), GPT2LMHeadModel, out, "gpt2-tiny")


def config_fields(out: str) -> None:
    fields = {}
    for name, cls in [("gpt2", GPT2Config), ("llama", LlamaConfig), ("qwen2", Qwen2Config),
                      ("qwen3", Qwen3Config), ("mistral", MistralConfig)]:
        fields[name] = cls().to_dict()
    with open(f"{out}/config_fields.json", "w") as f:
        json.dump({"transformers": transformers.__version__, "defaults": fields}, f, indent=1, sort_keys=True, default=str)


def main(out: str, names) -> None:
    config_fields(out)
    failed = []
    for name in names or ["llama-tiny", "gpt2-tiny", *MODELS]:
        try:
            {"llama-tiny": llama, "gpt2-tiny": gpt2}.get(name, lambda o: family(o, name))(out)
        except Exception as e:  # report every model, then fail
            print(f"FAILED {name}: {type(e).__name__}: {e}")
            failed.append(name)
    if failed:
        sys.exit(f"failed: {failed}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
