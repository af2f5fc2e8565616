#!/usr/bin/env bash
# Wall time and peak memory of whole `nnvp run`s in timing mode, beside the
# targets of issues 14 and 17, with the machine they ran on: the benchmark of
# the fast timing mode (docs/compiler.md). Not a test: the figures depend on
# the machine and its load.
#   tools/timing_speed.sh [NNVP]        (default ./build/nnvp)
# Then the sweep rate (tools/sweep_speed.sh: AlexNet design points per
# minute with -j 2); SWEEP=0 leaves it out.
# Peak RSS needs GNU time (Debian package `time`); without it only wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
nnvp=${1:-./build/nnvp}
[[ -x "$nnvp" ]] || { echo "timing_speed: no nnvp at $nnvp (build first)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-28s %9s %9s %9s %9s\n' run wall_s target_s rss_mb target_mb
# name | scenario | extra options | wall target (s) | RSS target (MB)
runs=(
  "resnet50_int8|scenarios/networks/resnet50_int8_timing.json||0.5|200"
  "bert_base seq 128|scenarios/transformers/bert_base_timing.json||1|2048"
  "vit_b16|scenarios/transformers/vit_b16_timing.json||1|2048"
  "gpt2 128+128 tokens|scenarios/transformers/gpt2_generate_timing.json||5|2048"
)
for entry in "${runs[@]}"; do
  IFS='|' read -r name scenario extra wall_target rss_target <<<"$entry"
  dir="$out/${name// /_}"
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%e %M' -o "$out/time" "$nnvp" run "$scenario" $extra --out "$dir" >/dev/null 2>&1
    read -r wall rss_kb <"$out/time"
    rss=$((rss_kb / 1024))
  else
    start=$(date +%s.%N)
    "$nnvp" run "$scenario" $extra --out "$dir" >/dev/null 2>&1
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    rss=-
  fi
  printf '%-28s %9s %9s %9s %9s\n' "$name" "$wall" "$wall_target" "$rss" "$rss_target"
done
if [[ "${SWEEP:-1}" != 0 ]]; then
  echo
  tools/sweep_speed.sh "$nnvp"
fi
