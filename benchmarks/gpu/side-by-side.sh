#!/usr/bin/env bash
# The GPU run, on a machine with NVIDIA GPUs and no JDK (docs/gpu.md "Benchmark: FuseFlow against transformers on one GPU"):
#   1. device-check: loss, gradients and a short run's loss curve on gpu0 against the CPU, in
#      FP32, TF32 and FP16_MIXED;
#   2. the WRPO update of a ~0.5B Llama at sequence length 1024, FuseFlow through DJL (FP16_MIXED
#      with the shared prompt and with three separate rows, TF32), each at the largest batch that fits
#      (trying batches from the memory estimate down), with nvidia-smi sampling peak memory; with
#      FUSEFLOW_NATIVE_LIBRARY set, FuseFlow runs its native kernels;
#   3. the baseline, what users run instead: Hugging Face transformers with SDPA (wrpo_transformers.py:
#      fp32 weights + bf16 autocast, bf16 weights, and torch.compile), each at its largest batch;
#      the repo's eager-attention PyTorch reference (bf16, fp16, tf32) as labelled extra rows;
#   4. a profile of one DJL and one PyTorch update, and the table (summarize.py).
# Needs: BENCH (the runtime image's bin/fuseflow-trainer-bench) and, for DJL, PYTORCH_LIBRARY_PATH,
# PYTORCH_VERSION and PYTORCH_FLAVOR naming the host's libtorch with a DJL bridge built for it.
#   benchmarks/gpu/side-by-side.sh OUT_DIR [timed updates, default 5] [warm-up updates, default 6]
# PROFILE=0 leaves out step 3's profiles.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"; steps="${2:-5}"; warmup="${3:-6}"   # fp16: the first updates skip while the loss scale comes down
: "${BENCH:?set BENCH to bin/fuseflow-trainer-bench of the runtime image}"
mkdir -p "$out"
results="$out/results.jsonl"; : > "$results"
gpu_mib="$(nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits -i 0 | head -1)"

sampled() {   # sampled NAME command...: runs it while nvidia-smi samples GPU 0's memory every 100 ms
  local name="$1"; shift
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0 -lms 100 > "$out/$name.smi" 2>/dev/null &
  local smi=$!
  "$@" > "$out/$name.log" 2>&1; local rc=$?
  kill "$smi" 2>/dev/null; wait "$smi" 2>/dev/null
  echo "{\"run\": \"$name\", \"smiPeakMiB\": $(sort -n "$out/$name.smi" | tail -1 || echo 0), \"rc\": $rc}" >> "$out/smi.jsonl"
  return $rc
}

largest() {   # largest NAME CANDIDATES command-with-BATCH...: the first batch (descending) that does not run out of memory
  local name="$1" candidates="$2"; shift 2
  for b in $candidates; do
    if sampled "$name-b$b" "${@//BATCH/$b}"; then echo "$b"; return 0; fi
    grep -qi "out of memory" "$out/$name-b$b.log" || { echo "$name failed at batch $b, not for memory:" >&2; tail -5 "$out/$name-b$b.log" >&2; }
  done
  echo 0
}

candidates() {  # batches whose estimate fits the GPU, largest first (the estimate is within 5% of measured peaks)
  local precision="$1" list=""
  for b in 40 36 32 28 24 20 18 16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1; do
    gib="$("$BENCH" benchmark --batch "$b" --precision $precision --estimate-only 2>/dev/null | sed -n 's/.*estimated peak \([0-9.]*\) GiB.*/\1/p')"
    if awk -v g="$gib" -v m="$gpu_mib" 'BEGIN { exit !(g * 1024 <= m) }'; then list="$list $b"; fi
  done
  echo "$list" | awk '{ for (i = 1; i <= NF && i <= 4; i++) printf "%s ", $i }'
}

bisect_largest() {  # bisect_largest NAME HIGH command-with-BATCH...: the largest batch <= HIGH that runs (memory grows with the batch)
  local name="$1" lo=0 hi="$2"; shift 2
  while (( lo < hi )); do
    local mid=$(( (lo + hi + 1) / 2 ))
    if sampled "$name-b$mid" "${@//BATCH/$mid}"; then lo=$mid; else
      grep -qi "out of memory" "$out/$name-b$mid.log" || { echo "$name failed at batch $mid, not for memory:" >&2; tail -5 "$out/$name-b$mid.log" >&2; }
      hi=$(( mid - 1 ))
    fi
  done
  echo "$lo"
}

echo "== device-check" >&2
for p in FP32 TF32 FP16_MIXED; do
  env_tf32=""; [[ $p == TF32 ]] && env_tf32="TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1"
  env $env_tf32 "$BENCH" device-check --device gpu0 --precision "$p" --output "$out/device-check" > "$out/device-check-$p.log" 2>&1
  echo "device-check $p: rc $? $(grep -E 'PASS|FAIL' "$out/device-check-$p.log")" >&2
  grep -E "vs cpu|loss curve" "$out/device-check-$p.log" >&2
done

echo "== DJL" >&2
c16="$(candidates FP16_MIXED)"; c32="$(candidates TF32)"
b16=$(largest djl-fp16 "$c16" "$BENCH" benchmark --device gpu0 --precision FP16_MIXED --batch BATCH --steps "$steps" --warmup "$warmup" --json "$results")
s16=$(largest djl-fp16-separate "$(candidates "FP16_MIXED --layout SEPARATE")" "$BENCH" benchmark --device gpu0 --precision FP16_MIXED \
      --layout SEPARATE --batch BATCH --steps "$steps" --warmup "$warmup" --json "$results")
b32=$(largest djl-tf32 "$c32" env TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 "$BENCH" benchmark --device gpu0 --precision TF32 --batch BATCH \
      --steps "$steps" --warmup "$warmup" --json "$results")
echo "DJL largest batches: FP16_MIXED $b16 (tried $c16), separate rows $s16, TF32 $b32 (tried $c32)" >&2

echo "== transformers (the baseline)" >&2
hf="python3 $here/wrpo_transformers.py --steps $steps --warmup $warmup --json $results"
h32=$(bisect_largest hf-sdpa 40 $hf --batch BATCH)
h16=$(bisect_largest hf-sdpa-bf16 40 $hf --weights bf16 --batch BATCH)
hc=$(bisect_largest hf-sdpa-compile 40 $hf --compile --batch BATCH)
echo "transformers batches: fp32+autocast $h32, bf16 weights $h16, compile $hc" >&2

echo "== PyTorch eager reference (an extra row: it shares DJL's old eager attention)" >&2
ref="python3 $here/wrpo_reference.py --steps $steps --warmup $warmup --json $results"
# PyTorch's memory is not DJL's: bisect up to a little above DJL's largest batch.
p16=$(bisect_largest torch-bf16 "$(( b16 + 2 ))" $ref --precision bf16 --batch BATCH)
f16=$(bisect_largest torch-fp16 "$(( p16 + 2 ))" $ref --precision fp16 --batch BATCH)
t32=$(bisect_largest torch-tf32 "$(( b32 + 2 ))" $ref --precision tf32 --batch BATCH)
echo "PyTorch batches: bf16 $p16, fp16 $f16, tf32 $t32" >&2

if [[ "${PROFILE:-1}" == 1 ]]; then   # PROFILE=0 skips the two profiles (a shorter run)
  echo "== profiles: DJL FP16_MIXED at batch $b16, PyTorch fp16 at batch $f16" >&2
  "$BENCH" benchmark --device gpu0 --precision FP16_MIXED --batch "$b16" --steps 1 --warmup "$warmup" --profile "$out/djl-profile.json" \
      > "$out/djl-profile.log" 2>&1
  python3 "$here/wrpo_reference.py" --precision fp16 --batch "$f16" --steps 1 --warmup 1 --profile "$out/torch-profile.txt" \
      > "$out/torch-profile.log" 2>&1
fi
python3 "$here/summarize.py" "$out" | tee "$out/summary.md"
