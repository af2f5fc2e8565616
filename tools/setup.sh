#!/usr/bin/env bash
# Installs what nnvp needs from Debian packages (only what is missing), then
# configures and builds it in Release into build/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(make pkg-config libsystemc-dev libboost-dev libgtest-dev nlohmann-json3-dev
          libbenchmark-dev zlib1g-dev dataset-fashion-mnist
          libonnx-dev libprotobuf-dev libonnx-testdata  # ONNX import, nnvp check, conformance
          python3-onnx python3-numpy  # tools/onnx_models: test models and their reference outputs
          chromium  # chromium: tests/app/html_browser_test.cpp renders report.html
          slurmctld slurmd munge slurm-client)  # tools/slurm_cluster_test.sh (docs/slurm.md)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# In CI (CI=true) warnings are errors.
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNNVP_WERROR=$werror >/dev/null
cmake --build build -j"$(nproc)"
