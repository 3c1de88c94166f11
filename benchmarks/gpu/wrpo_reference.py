"""PyTorch eager reference of FuseFlow's WRPO update, for the side-by-side benchmark (issue 8).

The same Llama shape as the trainer's DJL model (RMSNorm, rotary embeddings, eager softmax
attention over the full T x T matrix with an additive causal bias, SwiGLU MLP, untied lm_head),
the same loss (docs/wrpo.md: per-sequence response log-probs from a float32 log-softmax, the
alpha-weighted chosen log-ratio, softplus, weighted mean), the same update (policy forward and
backward on y_ws, y_wt and y_l one after another, reference forward without gradients, global
norm clipping at 1.0, AdamW betas (0.9, 0.999), eps 1e-8, no weight decay).

  python3 wrpo_reference.py --precision bf16 --batch 8 [--json results.jsonl]

Precisions: bf16 (float32 weights, bf16 autocast), fp16 (float32 weights, fp16 autocast,
dynamic loss scaling with GradScaler), tf32 (float32 with TF32 matmuls). The reference model is
held in the compute dtype, as the DJL trainer holds it. FLOPs and tokens are counted as
trainer's ModelCost.java counts them.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

H200_PEAK_FLOPS = 990e12


class RmsNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.head_dim = c.heads, c.hidden // c.heads
        self.q_proj = nn.Linear(c.hidden, c.hidden, bias=False)
        self.k_proj = nn.Linear(c.hidden, c.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(c.hidden, c.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(c.hidden, c.hidden, bias=False)
        self.groups = c.heads // c.kv_heads

    def forward(self, x, bias, cos, sin):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, -1, self.head_dim).transpose(1, 2)           # (B, nh, T, d)
        k = self.k_proj(x).view(b, t, -1, self.head_dim).transpose(1, 2)           # (B, nkv, T, d)
        v = self.v_proj(x).view(b, t, -1, self.head_dim).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(self.groups, 1), v.repeat_interleave(self.groups, 1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + bias         # (B, nh, T, T)
        y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, -1)
        return self.o_proj(y)


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden, c.intermediate, bias=False)
        self.up_proj = nn.Linear(c.hidden, c.intermediate, bias=False)
        self.down_proj = nn.Linear(c.intermediate, c.hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm, self.post_attention_layernorm = RmsNorm(c.hidden, 1e-6), RmsNorm(c.hidden, 1e-6)
        self.self_attn, self.mlp = Attention(c), Mlp(c)

    def forward(self, x, bias, cos, sin):
        x = x + self.self_attn(self.input_layernorm(x), bias, cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c.vocab, c.hidden)
        self.layers = nn.ModuleList(Layer(c) for _ in range(c.layers))
        self.norm = RmsNorm(c.hidden, 1e-6)
        self.lm_head = nn.Linear(c.hidden, c.vocab, bias=False)
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.normal_(p, std=0.02)

    def forward(self, tokens):
        b, t = tokens.shape
        x = self.embed_tokens(tokens)
        dtype = torch.get_autocast_dtype("cuda") if torch.is_autocast_enabled() else x.dtype
        bias = torch.full((t, t), torch.finfo(dtype).min, device=tokens.device).triu(1)[None, None].to(dtype)
        d = self.c.hidden // self.c.heads
        inv = 1.0 / (10_000 ** (torch.arange(0, d, 2, device=tokens.device).float() / d))
        freqs = torch.arange(t, device=tokens.device).float()[:, None] * inv[None]
        emb = torch.cat((freqs, freqs), -1)
        cos, sin = emb.cos()[None, None].to(dtype), emb.sin()[None, None].to(dtype)
        for layer in self.layers:
            x = layer(x, bias, cos, sin)
        return self.lm_head(self.norm(x))


def response_logps(logits, tokens, response):
    logps = logits.float().log_softmax(-1)[:, :-1]
    picked = logps.gather(-1, tokens[:, 1:, None]).squeeze(-1)
    return (picked * response[:, 1:]).sum(-1)


def wrpo_loss(policy, reference, weights, alpha, beta):
    ratio = [p - r for p, r in zip(policy, reference)]                                  # r(y_ws), r(y_wt), r(y_l)
    chosen = alpha * ratio[0] + (1 - alpha) * ratio[1]
    losses = F.softplus(-beta * (chosen - ratio[2]))
    return (losses * weights).sum() / weights.sum()


def flops_per_update(c, batch, length):
    kv = c.kv_heads * (c.hidden // c.heads)
    matmul = c.layers * (2 * c.hidden * c.hidden + 2 * c.hidden * kv + 3 * c.hidden * c.intermediate) + c.hidden * c.vocab
    forward = 2.0 * matmul * length + 4.0 * c.layers * length * length * c.hidden
    return batch * 3.0 * 4.0 * forward


def main():
    ap = argparse.ArgumentParser()
    for name, default in [("layers", 32), ("hidden", 1024), ("heads", 16), ("kv-heads", 16), ("intermediate", 2816), ("vocab", 32000),
                          ("length", 1024), ("prompt-length", 512), ("batch", 8), ("warmup", 2), ("steps", 5), ("seed", 1)]:
        ap.add_argument("--" + name, type=int, default=default)
    ap.add_argument("--precision", choices=["bf16", "fp16", "tf32"], default="bf16")
    ap.add_argument("--json")
    ap.add_argument("--profile", help="write a torch.profiler table of one update here")
    c = ap.parse_args()
    torch.manual_seed(c.seed)
    device = torch.device("cuda")
    torch.backends.cuda.matmul.allow_tf32 = c.precision == "tf32"
    compute = {"bf16": torch.bfloat16, "fp16": torch.float16, "tf32": torch.float32}[c.precision]
    policy = Llama(c).to(device)
    reference = Llama(c).to(device)
    reference.load_state_dict(policy.state_dict())
    reference.to(compute).requires_grad_(False)
    optimizer = torch.optim.AdamW(policy.parameters(), lr=1e-6, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    scaler = torch.amp.GradScaler("cuda", enabled=c.precision == "fp16")
    gen = torch.Generator().manual_seed(c.seed)
    seqs = [torch.randint(8, c.vocab, (c.batch, c.length), generator=gen).to(device) for _ in range(3)]
    response = (torch.arange(c.length, device=device) >= c.prompt_length).float()[None].expand(c.batch, -1)
    weights = torch.ones(c.batch, device=device)
    autocast = torch.autocast("cuda", dtype=compute, enabled=c.precision != "tf32")

    def update():
        with torch.no_grad(), autocast:
            ref = [response_logps(reference(s), s, response) for s in seqs]
        with autocast:
            pol = [response_logps(policy(s), s, response) for s in seqs]
            loss = wrpo_loss(pol, ref, weights, 0.1, 0.1)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
        return loss.item()

    first = None
    for _ in range(c.warmup):
        first = update() if first is None else first
    if c.profile:
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA]) as prof:
            update()
        with open(c.profile, "w") as f:
            f.write(prof.key_averages().table(sort_by="cuda_time_total", row_limit=25))
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    times = []
    last = None
    for _ in range(c.steps):
        t0 = time.perf_counter()
        last = update()
        times.append(time.perf_counter() - t0)
    torch.cuda.synchronize()
    mean = (time.perf_counter() - start) / c.steps
    params = sum(p.numel() for p in policy.parameters())
    result = {"framework": "pytorch", "precision": c.precision, "batch": c.batch, "length": c.length, "parameters": params,
              "secondsPerUpdate": mean, "medianSecondsPerUpdate": sorted(times)[len(times) // 2],
              "tokensPerSecond": 3 * c.batch * c.length / mean, "samplesPerSecond": c.batch / mean,
              "utilisation": flops_per_update(c, c.batch, c.length) / mean / H200_PEAK_FLOPS,
              "peakGpuBytes": torch.cuda.max_memory_reserved(), "peakAllocatedBytes": torch.cuda.max_memory_allocated(),
              "firstLoss": first, "lastLoss": last, "torch": torch.__version__}
    print(f"pytorch {c.precision}: {mean:.3f} s/update, {result['tokensPerSecond']:.0f} tokens/s, {result['samplesPerSecond']:.2f} samples/s,"
          f" MFU {100 * result['utilisation']:.1f}%, peak {result['peakGpuBytes'] / 2**30:.1f} GiB reserved"
          f" ({result['peakAllocatedBytes'] / 2**30:.1f} allocated), loss {first:.4f} -> {last:.4f}")
    if c.json:
        with open(c.json, "a") as f:
            f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
