#!/usr/bin/env bash
# Runs the Fashion-MNIST accuracy scenarios (scenarios/accuracy/, issue #7)
# one after the other, three of them with the fine-tuned weights of
# models/fmnist/lenet_qat_*.nnw, and writes docs/accuracy.json,
# docs/accuracy.svg and docs/accuracy_bits.svg from their report.json files;
# prints the Markdown table that docs/accuracy.md shows.
#
#   tools/accuracy_table.sh [--build DIR] [--runs DIR] [--docs DIR] [--no-run] [--set key=value ...]
#
# --build: the build tree holding nnvp and tools/accuracy/nnvp_accuracy_table
#          (default build/); --runs: where the runs go (default runs/accuracy);
# --docs: where accuracy.json and the SVGs go (default docs);
# --no-run: only rebuild the table from existing runs; --set: passed to every
#          nnvp run (e.g. --set workload.dataset.images=500 for a quick look; the
#          committed figures are from the full 10,000 images).
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
runs=runs/accuracy
docs=docs
run=1
sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --docs) docs="$2"; shift 2 ;;
    --no-run) run=0; shift ;;
    --set) sets+=(--set "$2"); shift 2 ;;
    *) echo "accuracy_table.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

# Table order: floats, 16 and 8 bits, then narrower; then the comparisons
# docs/accuracy.md discusses (static fixed point at 6 and 4 bits, per-channel
# scales at 4 bits); then the fine-tuned weights (the _qat scenarios name
# models/fmnist/lenet_qat_*.nnw, made by nnvp_qat_finetune).
names=(fmnist_fp32 fmnist_fp16 fmnist_int16 fmnist_int8_per_channel
       fmnist_int8_static_fixed fmnist_int8_dynamic_fixed fmnist_dfp6 fmnist_dfp4
       fmnist_mixed_8_4 fmnist_binary
       fmnist_sfp6 fmnist_sfp4 fmnist_int4_per_channel fmnist_mixed_8_4_per_channel
       fmnist_binary_qat fmnist_int4_per_channel_qat fmnist_mixed_8_4_per_channel_qat)
for name in "${names[@]}"; do
  [ -f "scenarios/accuracy/$name.json" ] ||
    { echo "accuracy_table.sh: scenarios/accuracy/$name.json missing" >&2; exit 2; }
done

if [ "$run" = 1 ]; then
  mkdir -p "$runs"
  for name in "${names[@]}"; do
    start=$(date +%s)
    "$build/nnvp" run "scenarios/accuracy/$name.json" --out "$runs/$name" "${sets[@]}" \
      > "$runs/$name.log" 2>&1 ||
      { echo "accuracy_table.sh: $name failed (see $runs/$name.log)" >&2; exit 1; }
    echo "accuracy_table.sh: $name done in $(( $(date +%s) - start )) s" >&2
  done
fi

dirs=()
for name in "${names[@]}"; do dirs+=("$runs/$name"); done
"$build/tools/accuracy/nnvp_accuracy_table" --json "$docs/accuracy.json" \
  --svg "$docs/accuracy.svg" --svg-bits "$docs/accuracy_bits.svg" "${dirs[@]}"
