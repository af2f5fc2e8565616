#!/usr/bin/env bash
# Installs what nnvp needs from Debian packages (only what is missing), then
# configures and builds it in Release into build/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(make pkg-config libsystemc-dev libboost-dev libgtest-dev nlohmann-json3-dev
          libbenchmark-dev zlib1g-dev dataset-fashion-mnist
          libonnx-dev libprotobuf-dev libonnx-testdata  # ONNX import, nnvp check, conformance
          python3-onnx python3-numpy  # tools/onnx_models: test models and their reference outputs
          chromium)  # chromium: tests/app/html_browser_test.cpp renders report.html
# Optional: a one-node Slurm cluster for tools/slurm_cluster_test.sh
# (docs/slurm.md). Their maintainer scripts need a working `su` (munge's
# creates its key as user munge); where they cannot be configured the
# cluster test is skipped, and nothing else needs them.
optional=(slurmctld slurmd munge slurm-client)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing_of() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
updated=0
apt_install() {
  [ $updated -eq 1 ] || { $sudo apt-get update -qq; updated=1; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}
mapfile -t missing < <(missing_of "${packages[@]}")
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi
mapfile -t missing < <(missing_of "${optional[@]}")
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} (optional: the Slurm cluster test)"
  apt_install "${missing[@]}" ||
    echo "setup: warning: ${missing[*]} could not be installed and configured; the Slurm cluster test will be skipped"
fi

# In CI (CI=true) warnings are errors.
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNNVP_WERROR=$werror >/dev/null
cmake --build build -j"$(nproc)"
