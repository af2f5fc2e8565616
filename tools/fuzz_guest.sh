#!/usr/bin/env bash
# A long guest-fuzzing campaign: the guest_fuzz firmware (seeded random
# register traffic over every block) on many seeds, in an AddressSanitizer +
# UndefinedBehaviorSanitizer build (build-asan/, as tools/sanitize.sh makes
# it) or a given nnvp. Counts crashes (exit code not 0-2 or a signal), hangs
# (no end within HANG_S wall seconds) and sanitizer reports; exits 1 when any.
#   tools/fuzz_guest.sh [WRITES_TOTAL [WRITES_PER_SEED [NNVP]]]
# Defaults: 1000000 writes in seeds of 10000, the sanitizer build.
set -uo pipefail
cd "$(dirname "$0")/.."
total=${1:-1000000}
per_seed=${2:-10000}
nnvp=${3:-}
hang_s=${HANG_S:-300}
if [[ -z "$nnvp" ]]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNNVP_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -O1" >/dev/null || exit 2
  cmake --build build-asan -j"$(nproc)" --target nnvp >/dev/null || exit 2
  nnvp=build-asan/nnvp
fi
out=$(mktemp -d /tmp/nnvp_fuzz_guest.XXXXXX)
seeds=$(( (total + per_seed - 1) / per_seed ))
crashes=0 hangs=0 sanitizer=0 done_writes=0
export UBSAN_OPTIONS=print_stacktrace=1 ASAN_OPTIONS=detect_leaks=0
for ((seed = 1; seed <= seeds; ++seed)); do
  log="$out/seed$seed.log"
  timeout "$hang_s" "$nnvp" run scenarios/bringup/guest_fuzz.json --out "$out/run" \
    --set firmware.args.seed=$seed --set firmware.args.writes=$per_seed >"$log" 2>&1
  rc=$?
  if [[ $rc -eq 124 ]]; then
    hangs=$((hangs + 1)); echo "seed $seed: hang (no end within ${hang_s} s)"
  elif [[ $rc -gt 2 ]]; then
    crashes=$((crashes + 1)); echo "seed $seed: exit code $rc"; tail -5 "$log"
  fi
  if grep -qE "ERROR: AddressSanitizer|runtime error:" "$log"; then
    sanitizer=$((sanitizer + 1)); echo "seed $seed: sanitizer report"
    grep -m3 -E "ERROR: AddressSanitizer|runtime error:" "$log"
  fi
  done_writes=$((done_writes + per_seed))
done
echo "guest fuzzing: $seeds seeds, $done_writes register writes with $nnvp:" \
     "$crashes crashes, $hangs hangs, $sanitizer sanitizer reports (logs in $out)"
[[ $crashes -eq 0 && $hangs -eq 0 && $sanitizer -eq 0 ]]
