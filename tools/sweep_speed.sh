#!/usr/bin/env bash
# Design points per minute of `nnvp sweep -j J` on the AlexNet design space
# in timing mode (scenarios/sweeps/alexnet_design_space.json: 96 points over
# array rows and columns, weight buffer, INT8/INT16 and DRAM bandwidth),
# beside the target of issue 17 (200 points per minute with -j 2), with the
# machine it ran on. A sibling of tools/timing_speed.sh; not a test.
#   tools/sweep_speed.sh [NNVP [BASELINE_NNVP]]     (default ./build/nnvp)
# Rows: the sweep as written (every output of every point), the same with
# "outputs": "report", and a second pass over the report-only sweep in a
# fresh folder sharing the first one's package cache (every package from the
# cache). With BASELINE_NNVP, the sweep as written also runs on that binary,
# in the same run, for the ratio. J=N sets the parallel points (default 2).
# Beside the wall time: the CPU seconds of the sweep and its points, and the
# rate J free cores would give at that CPU time (cpu_rate = points x 60 x J
# / cpu_s), which a machine shared with other work does not show in wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
nnvp=${1:-./build/nnvp}
baseline=${2:-}
jobs=${J:-2}
sweep=scenarios/sweeps/alexnet_design_space.json
[[ -x "$nnvp" ]] || { echo "sweep_speed: no nnvp at $nnvp (build first)" >&2; exit 2; }
command -v jq >/dev/null || { echo "sweep_speed: needs jq (apt-get install jq)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
points=$(jq '[.grid[] | length] | reduce .[] as $n (1; . * $n)' "$sweep")
# The report-only variant: the scenario path made absolute, "outputs": "report".
jq --arg s "$(realpath "$(dirname "$sweep")/$(jq -r .scenario "$sweep")")" \
  '.scenario = $s | .outputs = "report"' "$sweep" >"$out/report_only.json"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-44s %6s %9s %12s %8s %9s %7s\n' sweep points seconds points_per_min cpu_s cpu_rate target
time_sweep() {  # name binary sweep-file out-dir
  [[ -x /usr/bin/time ]] || { echo "sweep_speed: needs GNU time (Debian package time)" >&2; exit 2; }
  /usr/bin/time -f '%e %U %S' -o "$4.time" "$2" sweep "$3" -j "$jobs" --out "$4" >"$4.log" 2>&1 ||
    { echo "sweep_speed: $1 failed, see $4.log" >&2; cat "$4.log" >&2; exit 1; }
  local wall user sys cpu
  read -r wall user sys <"$4.time"
  cpu=$(echo "$user + $sys" | bc)
  printf '%-44s %6s %9.1f %12.0f %8.1f %9.0f %7s\n' "$1" "$points" "$wall" \
    "$(echo "$points * 60 / $wall" | bc -l)" "$cpu" "$(echo "$points * 60 * $jobs / $cpu" | bc -l)" 200
}
[[ -n "$baseline" ]] && time_sweep "baseline: as written (-j $jobs)" "$baseline" "$sweep" "$out/base"
time_sweep "as written (-j $jobs)" "$nnvp" "$sweep" "$out/all"
time_sweep "\"outputs\": \"report\" (-j $jobs)" "$nnvp" "$out/report_only.json" "$out/report"
mkdir -p "$out/again" && cp -r "$out/report/package-cache" "$out/again/"
time_sweep "report, every package cached (-j $jobs)" "$nnvp" "$out/report_only.json" "$out/again"
grep -h "package cache" "$out/again.log" | sed 's/^/  /'
echo "load after: $(cut -d' ' -f1 /proc/loadavg)"
