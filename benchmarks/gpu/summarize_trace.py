"""Where an update's time goes: sums a Chrome trace by operator and by GPU kernel.

Reads the trace `fuseflow-trainer-bench benchmark --profile trace.json` writes (libtorch's Kineto profiler
through FuseFlow's native kernels, or DJL's host-only profiler without them) or one of torch.profiler's
`export_chrome_trace`, and prints the operators and kernels with the most total time, their share, call
count and mean. Top-level operators only for the operator table (an aten op that another op called is
counted inside its caller), so the shares add up to the traced span. Where the trace has allocations
(Kineto's `[memory]` events), it also prints the memory peak and what was alive at it, by the operator
that allocated it: where a memory estimate went wrong.

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


def memory_events(path):
    with open(path) as f:
        trace = json.load(f)
    items = trace["traceEvents"] if isinstance(trace, dict) else trace
    memory = [e for e in items if e.get("name") == "[memory]" and "args" in e]
    if not memory:
        return [], []
    # The GPU's allocations where there are any (Device Type 1), else the host's.
    device = 1 if any(e["args"].get("Device Type") == 1 for e in memory) else 0
    memory = sorted((e for e in memory if e["args"].get("Device Type") == device), key=lambda e: e["ts"])
    ops = [e for e in items if e.get("ph") == "X" and e.get("cat") in ("cpu_op", "user_annotation") and "dur" in e]
    return memory, ops


def attribute(memory, ops):
    """For each allocation, the innermost and the outermost operator running on its thread at that moment."""
    spans = collections.defaultdict(list)
    for e in ops:
        spans[e.get("tid")].append(e)
    owner = {}
    for tid, opened in spans.items():
        opened.sort(key=lambda e: (e["ts"], -e["dur"]))
        allocations = [m for m in memory if m.get("tid") == tid]
        stack, i = [], 0
        for m in allocations:
            while i < len(opened) and opened[i]["ts"] <= m["ts"]:
                while stack and stack[-1]["ts"] + stack[-1]["dur"] <= opened[i]["ts"]:
                    stack.pop()
                stack.append(opened[i])
                i += 1
            while stack and stack[-1]["ts"] + stack[-1]["dur"] < m["ts"]:
                stack.pop()
            owner[id(m)] = (stack[-1]["name"], stack[0]["name"]) if stack else ("(no operator)", "(no operator)")
    return owner


def memory_peak(path, top):
    memory, ops = memory_events(path)
    if not memory:
        print("\nno allocations in this trace (DJL's profiler, or a profile without memory)")
        return
    owner = attribute(memory, ops)
    first = memory[0]["args"]
    before = first["Total Allocated"] - first["Bytes"]
    live, peak, at_peak, peak_event = {}, -1, {}, None
    for m in memory:
        a = m["args"]
        if a["Bytes"] > 0:
            live[a["Addr"]] = (a["Bytes"], *owner.get(id(m), ("?", "?")))
        else:
            live.pop(a["Addr"], None)
        if a["Total Allocated"] > peak:
            peak, at_peak, peak_event = a["Total Allocated"], dict(live), m
    gib = 1 << 30
    start = memory[0]["ts"]
    print(f"\nmemory: {before / gib:.2f} GiB allocated when the profile began, peak {peak / gib:.2f} GiB "
          f"{(peak_event['ts'] - start) / 1e3:.1f} ms in, during {owner.get(id(peak_event), ('?', '?'))[1][:90]}")
    for title, index in (("alive at the peak, by the top-level operator that allocated it", 2),
                         ("alive at the peak, by the operator that allocated it", 1)):
        sums = collections.defaultdict(lambda: [0, 0])
        for size, *names in at_peak.values():
            sums[names[index - 1]][0] += size
            sums[names[index - 1]][1] += 1
        print(f"\n{title}: {sum(v[0] for v in sums.values()) / gib:.2f} GiB allocated during the profile")
        print(f"{'GiB':>7} {'blocks':>7}  operator")
        for name, (size, count) in sorted(sums.items(), key=lambda kv: -kv[1][0])[:top]:
            print(f"{size / gib:7.3f} {count:7d}  {name[:110]}")


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
    memory_peak(a.trace, a.top)


if __name__ == "__main__":
    main()
