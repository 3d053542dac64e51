#!/usr/bin/env bash
# The GPU benchmark (bench/gpu.ts) on the lent GPU machine, which has no Node.js and no network.
#
#   bash bench/gpu.sh build          here: .gpu/ (git-ignored) gets Node.js and the Vulkan loaders
#                                    (../shared/gpu/bundle.sh), bench/gpu.ts bundled by esbuild into
#                                    .gpu/app/gpu.mjs, and the webgpu package's Linux x64 binding
#   bash bench/gpu.sh run [ARGS]     there (carry .gpu): runs it, results in $OUT (gpu.json, gpu.log,
#                                    gpu.txt, nvidia-smi.txt); ARGS go to gpu.mjs (see bench/gpu.ts)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
  build)
    bash ../shared/gpu/bundle.sh .gpu >/dev/null
    rm -rf .gpu/app
    mkdir -p .gpu/app/node_modules/webgpu/dist/linux-x64
    npx esbuild bench/gpu.ts --bundle --platform=node --format=esm --target=node20 \
      --outfile=.gpu/app/gpu.mjs --log-level=warning \
      --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
    cp node_modules/webgpu/package.json node_modules/webgpu/index.js .gpu/app/node_modules/webgpu/
    cp node_modules/webgpu/dist/linux-x64/dawn.node .gpu/app/node_modules/webgpu/dist/linux-x64/
    du -sh .gpu
    ;;
  run)
    shift
    : "${OUT:?OUT is the folder whose files come back}"
    # shellcheck disable=SC1091
    source .gpu/device-setup.sh
    nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || true
    python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' >> "$OUT/nvidia-smi.txt" 2>&1 || true
    node --version >> "$OUT/nvidia-smi.txt"
    node .gpu/app/gpu.mjs --out "$OUT" "$@" > >(tee "$OUT/gpu.txt") 2> >(tee "$OUT/gpu.log" >&2)
    ;;
  *)
    echo "usage: bash bench/gpu.sh build | run [ARGS]" >&2
    exit 2
    ;;
esac
