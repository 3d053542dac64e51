#!/usr/bin/env bash
# The GPU benchmark (bench/gpu.ts) on the lent GPU machine, which has no Node.js and no network.
#
#   bash bench/gpu.sh build          here: .gpu/ (git-ignored) gets Node.js and the Vulkan loaders
#                                    (../shared/gpu/bundle.sh), bench/gpu.ts bundled by esbuild into
#                                    .gpu/app/gpu.mjs, and the webgpu package's Linux x64 binding
#   bash bench/gpu.sh run [ARGS]     there (carry .gpu): runs it, results in $OUT (gpu.json, gpu.log,
#                                    gpu.txt, nvidia-smi.txt); ARGS go to gpu.mjs (see bench/gpu.ts)
#   bash bench/gpu.sh build-train    here: as build (when .gpu/app/gpu.mjs is missing), plus
#                                    bench/train.ts bundled into .gpu/app/train.mjs next to it
#   bash bench/gpu.sh run-train [ARGS]  there (carry .gpu): the training bench (bench/train.ts) on
#                                    webgpu vs torch cuda; results in $OUT (train-webgpu.json,
#                                    train.txt, train.log, nvidia-smi.txt); ARGS go to train.mjs
#   bash bench/gpu.sh build-fast     here: as build (when .gpu/app/gpu.mjs is missing), plus
#                                    bench/gpu-fast.ts (npm run bench:gpu) into .gpu/app/gpu-fast.mjs
#   bash bench/gpu.sh run-fast [ARGS]  there (carry .gpu): the WebGPU fast path vs jax-js; results
#                                    in $OUT (gpu-fast.json, gpu-fast.txt, gpu-fast.log,
#                                    nvidia-smi.txt); ARGS go to gpu-fast.mjs (see bench/gpu-fast.ts)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bundle() { # bundle ENTRY OUTFILE
  npx esbuild "$1" --bundle --platform=node --format=esm --target=node20 \
    --outfile="$2" --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
}

device_info() {
  nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || true
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' >> "$OUT/nvidia-smi.txt" 2>&1 || true
  node --version >> "$OUT/nvidia-smi.txt"
}

case "${1:-}" in
  build)
    bash ../shared/gpu/bundle.sh .gpu >/dev/null
    rm -rf .gpu/app
    mkdir -p .gpu/app/node_modules/webgpu/dist/linux-x64
    bundle bench/gpu.ts .gpu/app/gpu.mjs
    cp node_modules/webgpu/package.json node_modules/webgpu/index.js .gpu/app/node_modules/webgpu/
    cp node_modules/webgpu/dist/linux-x64/dawn.node .gpu/app/node_modules/webgpu/dist/linux-x64/
    du -sh .gpu
    ;;
  build-train)
    [ -f .gpu/app/gpu.mjs ] || bash bench/gpu.sh build
    bundle bench/train.ts .gpu/app/train.mjs
    du -sh .gpu
    ;;
  run-train)
    shift
    : "${OUT:?OUT is the folder whose files come back}"
    # shellcheck disable=SC1091
    source .gpu/device-setup.sh
    device_info
    node .gpu/app/train.mjs --device webgpu --out "$OUT" "$@" > >(tee "$OUT/train.txt") 2> >(tee "$OUT/train.log" >&2)
    ;;
  build-fast)
    [ -f .gpu/app/gpu.mjs ] || bash bench/gpu.sh build
    bundle bench/gpu-fast.ts .gpu/app/gpu-fast.mjs
    du -sh .gpu
    ;;
  run-fast)
    shift
    : "${OUT:?OUT is the folder whose files come back}"
    # shellcheck disable=SC1091
    source .gpu/device-setup.sh
    device_info
    node .gpu/app/gpu-fast.mjs --json "$OUT/gpu-fast.json" "$@" > >(tee "$OUT/gpu-fast.txt") 2> >(tee "$OUT/gpu-fast.log" >&2)
    ;;
  run)
    shift
    : "${OUT:?OUT is the folder whose files come back}"
    # shellcheck disable=SC1091
    source .gpu/device-setup.sh
    device_info
    node .gpu/app/gpu.mjs --out "$OUT" "$@" > >(tee "$OUT/gpu.txt") 2> >(tee "$OUT/gpu.log" >&2)
    ;;
  *)
    echo "usage: bash bench/gpu.sh build | run [ARGS] | build-train | run-train [ARGS] | build-fast | run-fast [ARGS]" >&2
    exit 2
    ;;
esac
