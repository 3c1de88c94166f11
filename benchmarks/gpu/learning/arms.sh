#!/usr/bin/env bash
# The learning experiment at GPU scale (docs/learning.md, item 5): SFT+WRPO, SFT+DPO and SFT alone, trained offline
# with `fuseflow-trainer train` on a stream that the main job exported (`bin/fuseflow-local --export-to DIR`), on a
# fresh Llama of about 100M parameters with the byte-level BPE of make_target_tokenizer.py; every arm scored on the
# learning board's held-out prompts every EVAL_EVERY updates (eval/task_reward per skill) and at its end.
#
#   benchmarks/gpu/learning/arms.sh TRAINER DATA_DIR OUT_DIR SEED... 
#
# TRAINER: the runtime image's bin/fuseflow-trainer (its plugins/ carry the skills task reward); DATA_DIR: samples.jsonl
# and held-out.jsonl. Settings from the environment: DEVICE (gpu0), PRECISION (FP16_MIXED), SHAPE (the init-model shape options),
# ARMS ("WRPO DPO SFT"), MICRO_BATCH (64), SFT_LR (3e-4), LR (1e-5), ALPHA (0.1), EVAL_EVERY (100), MAX_LENGTH (96), MAX_PROMPT_LENGTH (64),
# EXTRA (more train options). A run cut short continues from its newest checkpoint when called again. Each arm's run folder: OUT_DIR/<arm>-seed<seed> (metrics, eval-*.csv, plots, model);
# OUT_DIR/summary.csv collects every evaluation row of every run.
set -euo pipefail
[[ $# -ge 4 ]] || { echo "usage: $0 TRAINER DATA_DIR OUT_DIR SEED..." >&2; exit 2; }
trainer=$1 data=$2 out=$3; shift 3
here="$(cd "$(dirname "$0")" && pwd)"
DEVICE=${DEVICE:-gpu0}
SHAPE=${SHAPE:-"--hidden 768 --intermediate 2048 --layers 16 --heads 12 --kv-heads 4 --context 256"}
ARMS=${ARMS:-"WRPO DPO SFT"}
mkdir -p "$out"
start="$out/start-model"
if [[ ! -f "$start/config.json" ]]; then
  # shellcheck disable=SC2086
  "$trainer" init-model --preset LLAMA_30M --tokenizer "$here/target-tokenizer" $SHAPE --seed 1 --output "$start"
fi
for seed in "$@"; do
  for arm in $ARMS; do
    run="$out/$arm-seed$seed"
    [[ -f "$run/model/config.json" ]] && { echo "$run done already"; continue; }
    # A run cut short (a time limit) continues from its newest checkpoint: each evaluation writes one.
    resume=""
    if ls "$run/checkpoints" 2> /dev/null | grep -qx 'step-[0-9]*'; then resume="--resume"; else rm -rf "$run"; fi
    echo "$(date +%T) $arm seed $seed ${resume:-fresh}"
    # shellcheck disable=SC2086
    "$trainer" train --model "$start" --data "$data/samples.jsonl" --eval-data "$data/held-out.jsonl" \
        --eval-every "${EVAL_EVERY:-100}" --output "$run" --objective "$arm" --seed "$seed" --device "$DEVICE" --precision "${PRECISION:-FP16_MIXED}" \
        --micro-batch "${MICRO_BATCH:-64}" --accumulation 1 --sft-lr "${SFT_LR:-3e-4}" --lr "${LR:-1e-5}" \
        --alpha "${ALPHA:-0.1}" --warmup-ratio 0.05 --max-length "${MAX_LENGTH:-96}" --max-prompt-length "${MAX_PROMPT_LENGTH:-64}" --checkpoint-every 1000000 \
        --keep-checkpoints 1 --log-every 50 $resume ${EXTRA:-} >> "$run.log" 2>&1 || { tail -30 "$run.log"; exit 1; }
    grep "^eval at\|^done" "$run.log" | tail -3 || true
  done
done
# Every evaluation row of every run: arm, seed, update, stage, the metrics (the last sft row of WRPO and DPO is
# the SFT model their preference stage starts from).
python3 - "$out" <<'PY'
import csv, pathlib, sys
out = pathlib.Path(sys.argv[1])
rows, names = [], []
for run in sorted(out.glob("*-seed*")):
    if not run.is_dir():
        continue
    arm, seed = run.name.rsplit("-seed", 1)
    for stage in ("sft", "preference"):
        f = run / f"eval-{stage}.csv"
        if f.exists():
            for r in csv.DictReader(f.open()):
                rows.append({"arm": arm, "seed": seed, **r})
                names += [k for k in r if k not in names]
with (out / "summary.csv").open("w", newline="") as f:
    w = csv.DictWriter(f, ["arm", "seed"] + names)
    w.writeheader()
    w.writerows(rows)
print(f"{len(rows)} evaluation rows in {out / 'summary.csv'}")
PY
