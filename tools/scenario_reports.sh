#!/usr/bin/env bash
# Runs every scenario in timing mode and keeps what must not change across a
# refactoring: report.json (wall-clock fields removed), layers.csv, trace.json.
#   tools/scenario_reports.sh OUT_DIR [NNVP]          # collect
#   tools/compare_scenario_reports.sh BEFORE AFTER     # compare two collections
# ONLY=REGEX restricts the run to the scenarios whose path matches.
# Needs jq (Debian package jq).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: tools/scenario_reports.sh OUT_DIR [NNVP]}
nnvp=${2:-./build/nnvp}
command -v jq >/dev/null || { echo "scenario_reports: needs jq (apt-get install jq)" >&2; exit 2; }
mkdir -p "$out"
status=0
for scenario in $(find scenarios -name '*.json' ! -name '*.sweep.json' ! -path 'scenarios/sweeps/*' | sort); do
  [[ -n "${ONLY:-}" && ! "$scenario" =~ $ONLY ]] && continue
  name=${scenario#scenarios/}; name=${name%.json}; name=${name//\//__}
  dir="$out/$name"; rm -rf "$dir"; mkdir -p "$dir"
  code=0
  "$nnvp" run "$scenario" --set mode=timing --out "$dir/raw" >"$dir/stdout.txt" 2>"$dir/stderr.txt" || code=$?
  echo "$code" >"$dir/exit_code"
  if [ -f "$dir/raw/report.json" ]; then
    # Wall-clock fields differ from run to run; everything else must not.
    jq -S 'walk(if type == "object" then with_entries(select(.key | test("wall") | not)) else . end)' \
      "$dir/raw/report.json" >"$dir/report.json"
    cp "$dir/raw/layers.csv" "$dir/raw/trace.json" "$dir/" 2>/dev/null || true
  fi
  rm -rf "$dir/raw" "$dir/stdout.txt"
  echo "$scenario: exit $code"
done
exit $status
