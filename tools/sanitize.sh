#!/usr/bin/env bash
# Builds nnvp with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-asan/ and runs the whole test suite under them (slower than the
# Release suite: use it before landing changes to models, kernels or parsers).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNNVP_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -O1" >/dev/null
cmake --build build-asan -j"$(nproc)"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --test-dir build-asan -j2 --output-on-failure --timeout 600
