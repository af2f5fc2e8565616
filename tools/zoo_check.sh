#!/usr/bin/env bash
# Runs every zoo network end to end on the virtual SoC, INT8 per-channel,
# batch 1, in functional mode (output checked bit for bit against the
# reference executor) and in timing mode, and prints one table row per run:
# simulated time, wall time, NN-core cycles, and the bit-exactness verdict.
# Usage: tools/zoo_check.sh [NNVP_BINARY] [OUT_DIR]   (default build/nnvp, runs/zoo)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
nnvp="${1:-$here/build/nnvp}"
out="${2:-$here/runs/zoo}"
field() {  # field REPORT JSON_PATH (dotted; numbers and booleans)
  local v
  v=$(grep -o "\"$2\": [^,}]*" "$1" | head -1 | sed 's/.*: //')
  echo "${v:-?}"
}
mkdir -p "$out"
printf '| network | mode | simulated s | wall s (run) | compile s | NN-core cycles | bit-exact |\n'
printf '|---|---|---|---|---|---|---|\n'
for net in lenet5 alexnet vgg16 googlenet resnet50 mobilenet_v1; do
  for mode in functional timing; do
    dir="$out/${net}_$mode"
    start=$(date +%s.%N)
    if "$nnvp" run "$here/scenarios/networks/${net}_int8.json" --out "$dir" --set mode=$mode \
        --set workload.inferences=1 --set workload.check=true > "$dir.log" 2>&1; then status=ok; else status="exit $?"; fi
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    r="$dir/report.json"
    sim=$(field "$r" simulated_s); comp=$(field "$r" compile_wall_s)
    cycles=$(grep -o '"busy_cycles": [0-9]*' "$r" | head -1 | sed 's/.*: //')
    exact=$([ "$mode" = functional ] && field "$r" bit_exact_vs_reference_executor || echo "-")
    printf '| %s | %s | %s | %.2f | %s | %s | %s (%s) |\n' "$net" "$mode" "$sim" "$wall" "$comp" "${cycles:-?}" "$exact" "$status"
  done
done
