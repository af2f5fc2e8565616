#!/usr/bin/env bash
# Compares two collections written by tools/scenario_reports.sh and names,
# per scenario, the files that differ.
#   tools/compare_scenario_reports.sh BEFORE_DIR AFTER_DIR [--ignore-irq]
# --ignore-irq leaves the interrupt-line samples (trace events irq.*) out of
# the trace.json comparison, for changes that only move interrupt edges.
# Exit 0 when nothing differs, 1 otherwise. Needs jq.
set -euo pipefail
before=${1:?usage: tools/compare_scenario_reports.sh BEFORE_DIR AFTER_DIR [--ignore-irq]}
after=${2:?usage: tools/compare_scenario_reports.sh BEFORE_DIR AFTER_DIR [--ignore-irq]}
ignore_irq=${3:-}
[[ -z "$ignore_irq" || "$ignore_irq" == --ignore-irq ]] || { echo "compare: unknown option '$ignore_irq'" >&2; exit 2; }
command -v jq >/dev/null || { echo "compare: needs jq (apt-get install jq)" >&2; exit 2; }

trace_view() {
  if [[ -n "$ignore_irq" ]]; then
    jq -S '.traceEvents |= map(select((.name // "") | test("^irq\\.") | not))' "$1"
  else
    cat "$1"
  fi
}

differing=0; compared=0
for dir in "$before"/*/; do
  name=$(basename "$dir"); other="$after/$name"
  if [[ ! -d "$other" ]]; then echo "$name: missing in $after"; differing=$((differing + 1)); continue; fi
  compared=$((compared + 1)); files=()
  for file in exit_code report.json layers.csv; do
    [[ -f "$dir/$file" || -f "$other/$file" ]] || continue
    cmp -s "$dir/$file" "$other/$file" 2>/dev/null || files+=("$file")
  done
  if [[ -f "$dir/trace.json" || -f "$other/trace.json" ]]; then
    cmp -s <(trace_view "$dir/trace.json" 2>/dev/null) <(trace_view "$other/trace.json" 2>/dev/null) || files+=(trace.json)
  fi
  if (( ${#files[@]} )); then echo "$name: ${files[*]} differ"; differing=$((differing + 1)); fi
done
for dir in "$after"/*/; do
  [[ -d "$before/$(basename "$dir")" ]] || { echo "$(basename "$dir"): missing in $before"; differing=$((differing + 1)); }
done
echo "compared $compared scenarios: $differing differ${ignore_irq:+ (irq.* trace events ignored)}"
(( differing == 0 ))
