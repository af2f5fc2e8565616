#!/usr/bin/env bash
# libFuzzer on nnvp's input parsers: the scenario loader, the platform
# config, the ONNX importer and the package validator (tests/fuzz/). Builds
# them with clang (-fsanitize=fuzzer,address,undefined) into build-fuzz/,
# seeds each from the repo (scenarios, platform configs, the ONNX test
# models), runs each for SECONDS and counts crashes, timeouts and
# out-of-memory inputs (kept in build-fuzz/findings/). Exits 1 when any.
#   tools/fuzz_parsers.sh [SECONDS]      (default 60 per target)
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
command -v clang++ >/dev/null || { echo "fuzz_parsers: needs clang (apt-get install clang)" >&2; exit 2; }
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNNVP_BUILD_TESTS=OFF -DNNVP_BUILD_BENCH=OFF -DNNVP_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" >/dev/null || exit 2
targets="scenario platform_config onnx package"
for t in $targets; do
  cmake --build build-fuzz -j"$(nproc)" --target fuzz_$t >/dev/null || { echo "fuzz_parsers: fuzz_$t does not build" >&2; exit 2; }
done
corpus=build-fuzz/corpus
findings=build-fuzz/findings
rm -rf "$corpus" "$findings" && mkdir -p "$corpus"/{scenario,platform_config,onnx,package} "$findings"
find scenarios -name '*.json' -exec cp {} "$corpus/scenario/" \;
cp platform/configs/*.json "$corpus/platform_config/"
find tests -name '*.onnx' -size -1M -exec cp {} "$corpus/onnx/" \; 2>/dev/null
find /usr/share/libonnx-testdata -name 'model.onnx' -size -64k 2>/dev/null | head -200 |
  while read -r m; do cp "$m" "$corpus/onnx/$(echo "$m" | md5sum | cut -c1-12).onnx"; done
printf 'NNPK' > "$corpus/package/seed"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=0
bad=0
for t in $targets; do
  log=build-fuzz/fuzz_$t.log
  build-fuzz/tests/fuzz/fuzz_$t "$corpus/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$findings/${t}-" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  found=$(ls "$findings" | grep -c "^${t}-" || true)
  echo "fuzz_$t: ${runs:-?} inputs in ${seconds} s, exit $rc, $found findings"
  [[ $rc -ne 0 || $found -ne 0 ]] && bad=$((bad + 1))
done
echo "parser fuzzing: $bad of 4 targets with findings (inputs in $findings, logs in build-fuzz/)"
[[ $bad -eq 0 ]]
