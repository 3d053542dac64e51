#!/usr/bin/env bash
# On the GPU machine (carry .gpu, built by `bash zoo/gpu.sh bundle` and `bash bench/real-size/run.sh bundle`):
#   bash bench/real-size/run.sh ARCH    → make_checkpoint.py ARCH into /tmp/ARCH, float64_reference.py (the
#                                          same prompts in float64 on the CPU: how far transformers' own
#                                          float32 is from exact), then check.mjs on WebGPU; results and a
#                                          GPU-memory trace (nvidia-smi, 1 s) into $OUT.
#   bash bench/real-size/run.sh bundle   (here) → .gpu/app/check.mjs (xz) beside the CLI bundle.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [[ ${1:-} == bundle ]]; then
  npx esbuild bench/real-size/check.ts --bundle --platform=node --format=esm --target=node20 \
    --outfile=.gpu/app/check.mjs --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
  xz -9 -T2 -f .gpu/app/check.mjs
  exit 0
fi
arch=${1:?usage: run.sh ARCH|bundle}
: "${OUT:?OUT is the folder whose files come back}"
dir=/tmp/$arch
# With --audit-inputs, so that audit.sh can use the same checkpoint on a warm machine afterwards.
[[ -f $dir/audit/audit-inputs.json ]] ||
  python3 bench/real-size/make_checkpoint.py --arch "$arch" --out "$dir" --audit-inputs 2>&1 | { grep -v Warning || true; } | tail -5
du -sh "$dir"
[[ -f $dir/reference-f64.json ]] ||
  python3 bench/real-size/float64_reference.py "$dir" 2>&1 | { grep -v Warning || true; } | tee "$OUT/$arch-f64.json" | tail -3
# shellcheck disable=SC1091
source .gpu/device-setup.sh
d=.gpu/app/node_modules/webgpu/dist/linux-x64
[[ -f $d/dawn.node ]] || xz -dc "$d/dawn.node.xz" > "$d/dawn.node"
[[ -f .gpu/app/check.mjs ]] || xz -dk .gpu/app/check.mjs.xz
nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -l 1 > "$OUT/$arch-gpu-mem.txt" &
smi=$!
trap 'kill $smi 2>/dev/null || true' EXIT
/usr/bin/time -v node .gpu/app/check.mjs "$dir" webgpu 2> "$OUT/$arch-check.err" | tee "$OUT/$arch-check.json"
kill $smi || true
grep -E "Maximum resident|Elapsed" "$OUT/$arch-check.err" || true
tail -3 "$OUT/$arch-check.err"
echo "peak GPU memory MiB: $(sort -n "$OUT/$arch-gpu-mem.txt" | tail -1)"
