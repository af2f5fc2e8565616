#!/usr/bin/env bash
# Installs this build tree into a fresh prefix, configures and builds
# examples/firmware against it as a user would (find_package(nnvp),
# nnvp_add_firmware), runs its scenario with the installed nnvp and checks
# what the routine did: the DMA moved the bytes, the interrupt was taken,
# every byte verified. Then a wrong library path and a wrong program name
# must give exit code 2 and say what is wrong.
#   example_firmware_test.sh CMAKE BUILD_DIR SOURCE_DIR
set -euo pipefail
cmake=$1 build=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

step "install into $work/prefix"
"$cmake" --install "$build" --prefix "$work/prefix" >"$work/install.log" ||
    { cat "$work/install.log"; fail "cmake --install"; }
nnvp=$work/prefix/bin/nnvp
[ -x "$nnvp" ] || fail "no bin/nnvp in the prefix"

step "configure and build examples/firmware against it"
cp -r "$src/examples/firmware" "$work/src"  # as a user's own folder, outside the tree
"$cmake" -S "$work/src" -B "$work/fw" -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/fw.log" 2>&1 ||
    { cat "$work/fw.log"; fail "configure"; }
"$cmake" --build "$work/fw" >>"$work/fw.log" 2>&1 || { cat "$work/fw.log"; fail "build"; }
[ -f "$work/fw/libdma_copy.so" ] || fail "no libdma_copy.so"

step "run the example scenario"
rc=0
"$nnvp" run "$work/fw/dma_copy.json" --out "$work/out" >"$work/run.log" 2>&1 || rc=$?
cat "$work/run.log"
[ "$rc" = 0 ] || fail "nnvp run exited $rc"
grep -q "dma_copy: 8192 bytes on channel 1 in [0-9]* ns, 1 done interrupt, every byte verified" \
    "$work/run.log" || fail "the routine's console line is missing"
python3 - "$work/out" <<'PY' || fail "report.json / trace.json"
import json, sys
out = sys.argv[1]
rep = json.load(open(out + "/report.json"))
fw, dma, cpu = rep["firmware"], rep["dma"], rep["cpu"]
assert fw["program"] == "dma_copy" and fw["exit_code"] == 0, fw
assert fw["library"].endswith("libdma_copy.so"), fw["library"]
assert fw["args"] == {"bytes": 8192, "channel": 1}, fw["args"]
assert rep["sim"]["end"] == "halted", rep["sim"]
assert dma["bytes_moved"] == 8192, dma["bytes_moved"]
runs = dma["runs"]
assert len(runs) == 1 and runs[0]["channel"] == 1 and not runs[0]["error"], runs
assert runs[0]["end_s"] > runs[0]["start_s"]
assert cpu["interrupts_taken"] >= 1 and cpu["wfi_count"] >= 1, cpu
trace = json.load(open(out + "/trace.json"))
events = trace["traceEvents"] if isinstance(trace, dict) else trace
assert any(e.get("ph") == "X" and "8192" in json.dumps(e) for e in events), "no DMA span"
print("report: %d bytes on channel %d in %.2f us, %d interrupt(s), %d WFI" % (
    dma["bytes_moved"], runs[0]["channel"], (runs[0]["end_s"] - runs[0]["start_s"]) * 1e6,
    cpu["interrupts_taken"], cpu["wfi_count"]))
PY

step "a wrong library path and a wrong program name"
expect_2() {
    local what=$1 pattern=$2; shift 2
    rc=0
    "$nnvp" "$@" >"$work/bad.log" 2>&1 || rc=$?
    cat "$work/bad.log"
    [ "$rc" = 2 ] || fail "$what: exit code $rc, expected 2"
    grep -qF -- "$pattern" "$work/bad.log" || fail "$what: no \"$pattern\" in the message"
}
expect_2 "wrong path" "--firmware: firmware library $work/fw/libdma_cpy.so: no such file" \
    run "$work/fw/dma_copy.json" --firmware "$work/fw/libdma_cpy.so" --out "$work/bad"
expect_2 "wrong program" "firmware.program: unknown program \"dma_cpy\" in firmware library" \
    run "$work/fw/dma_copy.json" --set firmware.program=dma_cpy --out "$work/bad"
step "nnvp check from the prefix uses the installed platform config"
"$nnvp" check --help >"$work/check_help.log" 2>&1 || true
grep -qF -- "--platform defaults to $work/prefix/share/nnvp/platforms/default.json" \
    "$work/check_help.log" || { cat "$work/check_help.log"; fail "check's default platform"; }
relu=/usr/share/libonnx-testdata/data/node/test_relu
if [ -f "$relu/model.onnx" ]; then
    rc=0
    "$nnvp" check "$relu" >"$work/check.log" 2>&1 || rc=$?
    cat "$work/check.log"
    [ "$rc" = 0 ] || fail "nnvp check $relu exited $rc"
fi

echo "sdk example: ok"
