"""Where an update's time goes: sums a Chrome trace by operator and by GPU kernel.

Reads the trace `fuseflow-trainer-bench benchmark --profile trace.json` writes (libtorch's profiler through
DJL) or one of torch.profiler's `export_chrome_trace`, and prints the operators and kernels with the most
total time, their share, call count and mean. Top-level operators only for the operator table (an aten
op that another op called is counted inside its caller), so the shares add up to the traced span.

  python3 summarize_trace.py trace.json [--top 25]
"""
import argparse
import collections
import json


def events(path):
    with open(path) as f:
        trace = json.load(f)
    items = trace["traceEvents"] if isinstance(trace, dict) else trace
    # The profiler's own span around everything would take the whole table.
    return [e for e in items if e.get("ph") == "X" and "dur" in e
            and not str(e.get("name", "")).startswith(("PyTorch Profiler", "ProfilerStep"))]


def is_gpu(e):
    cat = str(e.get("cat", "")).lower()
    return cat in ("kernel", "gpu_memcpy", "gpu_memset") or "cuda" in str(e.get("pid", "")).lower() and cat != "cpu_op"


def top_level(cpu):
    """Events not nested inside another event of the same thread."""
    by_thread = collections.defaultdict(list)
    for e in cpu:
        by_thread[(e.get("pid"), e.get("tid"))].append(e)
    outer = []
    for spans in by_thread.values():
        spans.sort(key=lambda e: (e["ts"], -e["dur"]))
        end = -1.0
        for e in spans:
            if e["ts"] >= end:
                outer.append(e)
                end = e["ts"] + e["dur"]
    return outer


def table(title, spans, top):
    total = sum(e["dur"] for e in spans)
    sums = collections.defaultdict(lambda: [0.0, 0])
    for e in spans:
        sums[e["name"]][0] += e["dur"]
        sums[e["name"]][1] += 1
    print(f"\n{title}: {total / 1e3:.1f} ms in {len(spans)} events")
    print(f"{'share':>6} {'total ms':>9} {'calls':>6} {'mean us':>8}  name")
    for name, (dur, calls) in sorted(sums.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"{100 * dur / max(total, 1e-9):5.1f}% {dur / 1e3:9.1f} {calls:6d} {dur / calls:8.1f}  {name[:110]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    spans = events(a.trace)
    gpu = [e for e in spans if is_gpu(e)]
    cpu = [e for e in spans if not is_gpu(e)]
    table("GPU kernels", gpu, a.top)
    table("top-level operators (host time)", top_level(cpu), a.top)


if __name__ == "__main__":
    main()
