#!/usr/bin/env python3
"""Golden files for FuseFlow's LoRA parity tests, written by PEFT itself.

Run where PyTorch, transformers and peft are installed (CPU is enough; the models are the random
tiny ones of make_golden.py, read from GOLDEN_DIR):  python3 make_lora_golden.py GOLDEN_DIR
Writes GOLDEN_DIR/lora/NAME/ with PEFT's adapter_config.json and adapter_model.safetensors (random
A and B, so the adapter changes the logits) and expected.safetensors: the inputs of make_golden.py,
the adapted model's logits, its summed response log-probabilities, and the gradient of their sum
with respect to every adapter weight (under "grad." + PEFT's name).
"""
import json
import sys

import peft
import torch
import transformers
from peft import LoraConfig, PeftModel, get_peft_model
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM

INPUT_IDS = torch.tensor([[5, 9, 2, 33, 7, 1, 0, 0], [0, 0, 4, 8, 15, 16, 23, 36]])
ATTENTION = torch.tensor([[1, 1, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1, 1]])
RESPONSE = torch.tensor([[0, 0, 0, 1, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]])

LLAMA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

# name -> (base golden folder, LoraConfig arguments)
ADAPTERS = {
    "llama-tiny-r4": ("llama-tiny", dict(r=4, lora_alpha=8, target_modules=LLAMA_TARGETS)),
    "llama-tiny-attention-rslora": ("llama-tiny", dict(r=2, lora_alpha=6, use_rslora=True,
                                                      target_modules=["q_proj", "v_proj"])),
    "qwen3-tiny-r4": ("qwen3-tiny", dict(r=4, lora_alpha=4, target_modules=LLAMA_TARGETS)),
    "qwen2-tiny-r4": ("qwen2-tiny", dict(r=4, lora_alpha=16, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"])),
    "gpt2-tiny-r4": ("gpt2-tiny", dict(r=4, lora_alpha=8, fan_in_fan_out=True,
                                       target_modules=["c_attn", "c_proj", "c_fc"])),
}


def response_logps(model):
    # Positions count real tokens only, as FuseFlow's models do for left padding.
    position_ids = (ATTENTION.cumsum(-1) - 1).clamp(min=0)
    logits = model(input_ids=INPUT_IDS, attention_mask=ATTENTION, position_ids=position_ids).logits.float()
    logprobs = torch.log_softmax(logits[:, :-1, :], dim=-1)
    token_logps = logprobs.gather(-1, INPUT_IDS[:, 1:].unsqueeze(-1)).squeeze(-1) * RESPONSE[:, 1:]
    return logits, token_logps.sum(-1)


def adapter(golden: str, name: str) -> None:
    base_name, arguments = ADAPTERS[name]
    torch.manual_seed(3)
    base = AutoModelForCausalLM.from_pretrained(f"{golden}/{base_name}", dtype=torch.float32)
    config = LoraConfig(lora_dropout=0.0, init_lora_weights=False, task_type="CAUSAL_LM", **arguments)
    model = get_peft_model(base, config)
    model.train()  # dropout is 0: train mode only makes backward record the graph
    folder = f"{golden}/lora/{name}"
    model.save_pretrained(folder)
    with open(f"{folder}/adapter_config.json") as f:
        saved = json.load(f)
    saved["base_model_name_or_path"] = base_name
    with open(f"{folder}/adapter_config.json", "w") as f:
        json.dump(saved, f, indent=2, sort_keys=True)
    logits, logps = response_logps(model)
    logps.sum().backward()
    expected = {"input_ids": INPUT_IDS.contiguous(), "attention_mask": ATTENTION.contiguous(),
                "response_mask": RESPONSE.contiguous(),
                "logits": logits.detach().contiguous(), "response_logps": logps.detach().contiguous()}
    for key, p in model.named_parameters():
        if p.requires_grad:
            # PEFT's file names drop the adapter's name: ...q_proj.lora_A.default.weight -> ...q_proj.lora_A.weight
            expected["grad." + key.replace(".default", "")] = p.grad.contiguous()
    reloaded = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(f"{golden}/{base_name}"), folder)
    with torch.no_grad():
        again, _ = response_logps(reloaded)
    assert (again - logits).abs().max().item() < 1e-5, "PEFT does not reload its own adapter"
    with torch.no_grad(), reloaded.disable_adapter():
        plain, _ = response_logps(reloaded)
    save_file(expected, f"{folder}/expected.safetensors",
              metadata={"peft": peft.__version__, "transformers": transformers.__version__, "torch": torch.__version__})
    effect = ((logits - plain).abs() * ATTENTION.unsqueeze(-1)).max().item()
    print(f"wrote {folder}: response logps {logps.tolist()}, max |logit change| by the adapter {effect:.3g}")


def main() -> None:
    golden = sys.argv[1]
    for name in sys.argv[2:] or ADAPTERS:
        adapter(golden, name)


if __name__ == "__main__":
    main()
