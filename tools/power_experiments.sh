#!/usr/bin/env bash
# Runs the five power-policy experiments (scenarios/power/*.sweep.json, issue
# #5) with `nnvp sweep` and prints the Markdown tables of
# docs/power_experiments.md from the points' report.json files.
#
#   tools/power_experiments.sh [--build DIR] [--runs DIR] [--no-run] [-j N]
#
# --build: the build tree holding nnvp and tools/power/nnvp_power_tables
# (default build/); --runs: where the sweeps go (default runs/power);
# --no-run: only print the tables from existing runs; -j: points run at a
# time (default 2). Every point is a pure
# function of its scenario: the tables come out the same on every machine.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
runs=runs/power
run=1
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-run) run=0; shift ;;
    -j) jobs="$2"; shift 2 ;;
    *) echo "power_experiments.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

experiments=(voltage_floor_knee leakage_crossover sampling_period per_layer_dvfs bursty_idle)
if [ "$run" = 1 ]; then
  for e in "${experiments[@]}"; do
    "$build/nnvp" sweep "scenarios/power/$e.sweep.json" -j "$jobs" --out "$runs/$e" >/dev/null
  done
fi
"$build/tools/power/nnvp_power_tables" "$runs" "${experiments[@]}"
