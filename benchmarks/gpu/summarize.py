"""The side-by-side table of side-by-side.sh's results, with DJL/PyTorch ratios and where the time goes.

  python3 summarize.py OUT_DIR   (reads results.jsonl, smi.jsonl, djl-profile.json)
"""
import collections
import json
import os
import sys

out = sys.argv[1]
rows = [json.loads(line) for line in open(os.path.join(out, "results.jsonl")) if line.strip()]
smi = {}
if os.path.exists(os.path.join(out, "smi.jsonl")):
    for line in open(os.path.join(out, "smi.jsonl")):
        entry = json.loads(line)
        smi[entry["run"]] = entry["smiPeakMiB"]
short = {"FP16_MIXED": "fp16", "TF32": "tf32", "FP32": "fp32", "bf16": "bf16", "fp16": "fp16", "tf32": "tf32"}


def label(r):
    """The row's framework and variant, and the run name side-by-side.sh gave its nvidia-smi samples."""
    framework = r.get("framework", "djl")
    if framework == "transformers":
        variant = ("bf16 weights" if r["weights"] == "bf16" else "fp32 weights + bf16 autocast") + (" + compile" if r["compile"] else "")
        run = "hf-sdpa" + ("-bf16" if r["weights"] == "bf16" else "") + ("-compile" if r["compile"] else "")
        return "transformers SDPA (baseline)", variant, run
    if framework == "djl":
        separate = r.get("layout") == "SEPARATE"
        variant = r["precision"] + (", three rows" if separate else ", shared prompt" if "layout" in r else "")
        return "FuseFlow / DJL", variant, f"djl-{short[r['precision']]}" + ("-separate" if separate else "")
    return "PyTorch eager reference (extra row)", r["precision"], f"torch-{short[r['precision']]}"


best = {}
for r in rows:
    framework, variant, run = label(r)
    key = (framework, variant)
    r["framework"] = r.get("framework", "djl")
    r["smiPeakMiB"] = smi.get(f"{run}-b{r['batch']}", -1)
    if key not in best or r["batch"] > best[key]["batch"]:
        best[key] = r

print("| framework | variant | batch (largest that fits) | s/update | tokens/s | samples/s | MFU | peak GPU memory (nvidia-smi) | estimate |")
print("|---|---|---|---|---|---|---|---|---|")
for (framework, variant), r in sorted(best.items()):
    estimate = f"{r['estimatedPeakBytes'] / 2**30:.1f} GiB" if "estimatedPeakBytes" in r else ""
    print(f"| {framework} | {variant} | {r['batch']} | {r['secondsPerUpdate']:.3f} | {r['tokensPerSecond']:.0f} | {r['samplesPerSecond']:.2f}"
          f" | {100 * r['utilisation']:.1f}% | {r['smiPeakMiB'] / 1024:.1f} GiB | {estimate} |")

fuseflow = best.get(("FuseFlow / DJL", "FP16_MIXED, shared prompt"))
if fuseflow:
    print()
    for (framework, variant), r in sorted(best.items()):
        if framework.startswith("transformers"):
            print(f"FuseFlow FP16_MIXED (batch {fuseflow['batch']}) / transformers {variant} (batch {r['batch']}), samples/s:"
                  f" {fuseflow['samplesPerSecond'] / r['samplesPerSecond']:.2f}")



trace = os.path.join(out, "djl-profile.json")
if os.path.exists(trace):
    events = json.load(open(trace))
    events = events["traceEvents"] if isinstance(events, dict) else events
    ops = collections.Counter()
    op_time = collections.Counter()
    kernel_time = 0.0
    span = [float("inf"), 0.0]
    for e in events:
        if e.get("ph") != "X":
            continue
        # Kineto traces name the category; the legacy autograd profiler (DJL's) names the process instead.
        cat = e.get("cat", "")
        pid = str(e.get("pid", ""))
        if cat in ("cpu_op", "Operator", "operator") or (not cat and "CPU" in pid):
            ops[e["name"]] += 1
            op_time[e["name"]] += e.get("dur", 0)
            span = [min(span[0], e["ts"]), max(span[1], e["ts"] + e.get("dur", 0))]
        elif cat in ("kernel", "Kernel") or (not cat and ("CUDA" in pid or "GPU" in pid)):
            kernel_time += e.get("dur", 0)
    wall = span[1] - span[0] if span[1] > 0 else 0
    print()
    print(f"DJL profile of one FP16_MIXED update: {sum(ops.values())} operator calls (each top-level one a JNI call), "
          f"{wall / 1e3:.0f} ms on the CPU timeline, {kernel_time / 1e3:.0f} ms of GPU kernels ({100 * kernel_time / wall:.0f}% busy)" if wall else
          "DJL profile: no operator events")
    if not ops:
        kinds = collections.Counter((e.get("cat"), str(e.get("pid"))[:20], e.get("ph")) for e in events)
        print("trace event kinds:", kinds.most_common(8))
    print("| operator | calls | CPU time (ms) |")
    print("|---|---|---|")
    for name, t in op_time.most_common(15):
        print(f"| {name} | {ops[name]} | {t / 1e3:.1f} |")
