#!/usr/bin/env bash
# Runs `nnvp check` over every ONNX backend node test case of
# libonnx-testdata (the _expanded variants included) and prints the markdown
# table of docs/onnx_conformance.md: one row per op nnvp imports, one row
# for the cases of all other ops.
#   tools/onnx_conformance.sh [NNVP] [NODE_DIR]          the table
#   tools/onnx_conformance.sh --unsupported [NNVP] [NODE_DIR]
#       the cases of the imported ops that do not pass, one "case | reason"
#       a line: the list tests/sw/onnx/unsupported_cases.txt that keeps them
#       out of ctest.
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
# "case base" lines: a case NAME_expanded belongs to the op of NAME.
all_cases=$(ls "$dir" | grep '^test_')
pairs=$(echo "$all_cases" | sed -E 's/^(.*)$/\1 \1/; s/_expanded$//')
matched=""
total=0; passed_all=0
check_cases() {  # op label, case names: one table row (or the unsupported lines)
  local op=$1; shift
  cases=0; passed=0; why=""
  for c in "$@"; do
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
  if [ "$mode" = table ]; then
    if [ "$op" = other ]; then why="cases of ops nnvp does not import, or of types, ranks or output counts it refuses: \`nnvp check CASE_DIR\` prints each reason (summary below)"; fi
    echo "| $op | $cases | $passed | ${why:--} |"
  fi
}
for entry in "${ops[@]}"; do
  op=${entry%%|*}; re=${entry#*|}
  mapfile -t mine < <(awk -v re="$re" '$2 ~ re { print $1 }' <<<"$pairs")
  for c in "${mine[@]}"; do matched="$matched $c "; done
  check_cases "$op" "${mine[@]}"
done
rest=()
for c in $all_cases; do
  [[ "$matched" == *" $c "* ]] || rest+=("$c")
done
[ "$mode" = unsupported ] || check_cases "other" "${rest[@]}"
[ "$mode" = table ] && echo "| **total** | $total | $passed_all | |"
exit 0
