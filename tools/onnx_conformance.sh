#!/usr/bin/env bash
# Runs `nnvp check` over the ONNX backend node test cases of the ops nnvp
# imports (libonnx-testdata) and prints the markdown table of
# docs/onnx_conformance.md.
#   tools/onnx_conformance.sh [NNVP] [NODE_DIR]          the table
#   tools/onnx_conformance.sh --unsupported [NNVP] [NODE_DIR]
#       the cases that do not pass, one "case | reason" a line: the list
#       tests/sw/onnx/unsupported_cases.txt that keeps them out of ctest.
set -uo pipefail
mode=table
if [ "${1:-}" = "--unsupported" ]; then mode=unsupported; shift; fi
nnvp=${1:-build/nnvp}
dir=${2:-/usr/share/libonnx-testdata/data/node}

# ONNX op | regex of its test case directories: one list for ctest and this script.
mapfile -t ops < <(grep -v '^#' "$(dirname "$0")/../tests/sw/onnx/conformance_ops.txt" | grep .)

if [ "$mode" = table ]; then
  echo "| ONNX op | cases | passed | not passed: why |"
  echo "|---|---:|---:|---|"
fi
total=0; passed_all=0
for entry in "${ops[@]}"; do
  op=${entry%%|*}; re=${entry#*|}
  cases=0; passed=0; why=""
  for c in $(ls "$dir" | grep -E "$re" | grep -v '_expanded$'); do
    cases=$((cases + 1))
    err=$("$nnvp" check "$dir/$c" 2>&1 >/dev/null); rc=$?
    out=""
    if [ $rc -eq 0 ]; then passed=$((passed + 1)); continue; fi
    if [ $rc -eq 1 ]; then reason="output mismatch"
    else
      # The message without its path prefix: "...: node 'x' (Op): why".
      reason=$(echo "$err" | head -1 | sed -E 's#^nnvp check: ##; s#^[^ ]*model\.onnx: ##; s#^[^ ]*test_data_set_0[^:]*: ##')
    fi
    [ $rc -ne 1 ] && [ $rc -ne 2 ] && reason="error (exit $rc): $reason"
    if [ "$mode" = unsupported ]; then echo "$c | $reason"; fi
    why="$why${why:+; }\`$c\`: $reason"
  done
  total=$((total + cases)); passed_all=$((passed_all + passed))
  [ "$mode" = table ] && echo "| $op | $cases | $passed | ${why:--} |"
done
[ "$mode" = table ] && echo "| **total** | $total | $passed_all | |"
exit 0
