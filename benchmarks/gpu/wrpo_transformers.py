"""What a platform team would run instead of FuseFlow: the same WRPO update in Hugging Face transformers.

LlamaForCausalLM of the benchmark's shape with SDPA attention (flash attention on the GPU), the
update of wrpo_reference.py (the same loss and counts, imported from it), and optionally what
users add at their best: bf16 weights, torch.compile, gradient checkpointing, fused AdamW, and
LoRA with PEFT, whose reference is the same model with the adapter switched off.

  python3 wrpo_transformers.py --batch 16 [--weights bf16] [--compile] [--lora-rank 16] [--json results.jsonl]

--device cpu runs a tiny shape on a machine without a GPU, to check the script itself. Prints
and appends the same JSON fields as wrpo_reference.py, with "framework": "transformers".
"""
import argparse
import json
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM

from wrpo_reference import H200_PEAK_FLOPS, flops_per_update, response_logps, wrpo_loss


def model(c, device):
    config = LlamaConfig(vocab_size=c.vocab, hidden_size=c.hidden, intermediate_size=c.intermediate,
                         num_hidden_layers=c.layers, num_attention_heads=c.heads, num_key_value_heads=c.kv_heads,
                         max_position_embeddings=max(2048, c.length), rms_norm_eps=1e-6, tie_word_embeddings=False,
                         initializer_range=0.02)
    dtype = torch.bfloat16 if c.weights == "bf16" else torch.float32
    with torch.device(device):  # drawn on the device: an 8B model's random init on the CPU takes minutes
        return LlamaForCausalLM._from_config(config, attn_implementation=c.attention, dtype=dtype)


def with_lora(policy, c):
    from peft import LoraConfig, get_peft_model
    targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    return get_peft_model(policy, LoraConfig(r=c.lora_rank, lora_alpha=2 * c.lora_rank, lora_dropout=0.0,
                                             target_modules=targets, task_type="CAUSAL_LM"))


def main():
    ap = argparse.ArgumentParser()
    for name, default in [("layers", 32), ("hidden", 1024), ("heads", 16), ("kv-heads", 16), ("intermediate", 2816),
                          ("vocab", 32000), ("length", 1024), ("prompt-length", 512), ("batch", 8), ("warmup", 2),
                          ("steps", 5), ("seed", 1), ("lora-rank", 0)]:
        ap.add_argument("--" + name, type=int, default=default)
    ap.add_argument("--weights", choices=["fp32", "bf16"], default="fp32", help="fp32 weights with bf16 autocast, or bf16 weights")
    ap.add_argument("--attention", choices=["sdpa", "eager"], default="sdpa")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--gradient-checkpointing", action="store_true")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--json")
    c = ap.parse_args()
    torch.manual_seed(c.seed)
    device = torch.device(c.device)
    cuda = device.type == "cuda"
    policy = model(c, device)
    if c.gradient_checkpointing:
        policy.gradient_checkpointing_enable()
    if c.lora_rank > 0:
        policy = with_lora(policy, c)
        reference = None  # the policy with its adapter disabled
    else:
        reference = model(c, device)
        reference.load_state_dict(policy.state_dict())
        reference.to(torch.bfloat16).requires_grad_(False)
    trained = [p for p in policy.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=1e-6, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, fused=cuda)
    forward = torch.compile(policy) if c.compile else policy
    gen = torch.Generator().manual_seed(c.seed)
    seqs = [torch.randint(8, c.vocab, (c.batch, c.length), generator=gen).to(device) for _ in range(3)]
    response = (torch.arange(c.length, device=device) >= c.prompt_length).float()[None].expand(c.batch, -1)
    weights = torch.ones(c.batch, device=device)

    def logits(m, s):
        return m(input_ids=s).logits

    def update():
        with torch.no_grad(), torch.autocast(device.type, dtype=torch.bfloat16):
            if reference is None:
                with policy.disable_adapter():
                    ref = [response_logps(logits(forward, s), s, response) for s in seqs]
            else:
                ref = [response_logps(logits(reference, s), s, response) for s in seqs]
        with torch.autocast(device.type, dtype=torch.bfloat16):
            pol = [response_logps(logits(forward, s), s, response) for s in seqs]
            loss = wrpo_loss(pol, ref, weights, 0.1, 0.1)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trained, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.item()

    first = None
    for _ in range(c.warmup):
        first = update() if first is None else first
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    times, last = [], None
    for _ in range(c.steps):
        t0 = time.perf_counter()
        last = update()
        times.append(time.perf_counter() - t0)
    if cuda:
        torch.cuda.synchronize()
    mean = (time.perf_counter() - start) / c.steps
    params = sum(p.numel() for p in policy.parameters())
    result = {"framework": "transformers", "attention": c.attention, "weights": c.weights, "compile": c.compile,
              "gradientCheckpointing": c.gradient_checkpointing, "loraRank": c.lora_rank, "batch": c.batch,
              "length": c.length, "parameters": params, "trainedParameters": sum(p.numel() for p in trained),
              "secondsPerUpdate": mean, "medianSecondsPerUpdate": sorted(times)[len(times) // 2],
              "tokensPerSecond": 3 * c.batch * c.length / mean, "samplesPerSecond": c.batch / mean,
              "utilisation": flops_per_update(c, c.batch, c.length) / mean / H200_PEAK_FLOPS,
              "peakGpuBytes": torch.cuda.max_memory_reserved() if cuda else -1,
              "peakAllocatedBytes": torch.cuda.max_memory_allocated() if cuda else -1,
              "firstLoss": first, "lastLoss": last, "torch": torch.__version__,
              "transformers": __import__("transformers").__version__}
    print(f"transformers {c.attention} {c.weights}{' compile' if c.compile else ''}"
          f"{f' lora r={c.lora_rank}' if c.lora_rank else ''}: {mean:.3f} s/update,"
          f" {result['tokensPerSecond']:.0f} tokens/s, {result['samplesPerSecond']:.2f} samples/s,"
          f" MFU {100 * result['utilisation']:.1f}%, peak {result['peakGpuBytes'] / 2**30:.1f} GiB reserved,"
          f" loss {first:.4f} -> {last:.4f}")
    if c.json:
        with open(c.json, "a") as f:
            f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
