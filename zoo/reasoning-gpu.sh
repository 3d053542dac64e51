#!/usr/bin/env bash
# Building the reasoning organisms (issue 23) on the lent GPU machine, after `bash zoo/gpu.sh
# bundle` here (no --wordnet: the builds read zoo/base/lexicon.json) and with zoo/base/sae moved
# out of the worktree while the device runs (the tracked tree plus .gpu must stay under 64 MiB).
#
#   bash zoo/reasoning-gpu.sh build SECONDS   there (carry .gpu): the reasoning base of
#                                  zoo/specs/reasoning-base.json, then both reasoning backdoors at
#                                  once (they need the base's weights), in gpu-out/; every build is
#                                  stopped after SECONDS in all with a checkpoint (call again with
#                                  the same command to resume); then packs the finished folders
#                                  into $OUT
#   bash zoo/reasoning-gpu.sh unpack FILES_AT   here: the packed folders into zoo/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ORGANISMS=(reasoning-iceland reasoning-2026)

case "${1:-}" in
  build)
    secs=${2:?usage: bash zoo/reasoning-gpu.sh build SECONDS}
    : "${OUT:?OUT is the folder whose files come back}"
    start=$(date +%s)
    mkdir -p gpu-out/specs
    if [[ ! -f gpu-out/reasoning-base/eval.json ]]; then
      timeout -s INT "$secs" bash zoo/gpu.sh run organism build --spec zoo/specs/reasoning-base.json \
        --out gpu-out/reasoning-base --device webgpu --resume > "$OUT/reasoning-base.log" 2>&1 || true
    fi
    left=$((secs - ($(date +%s) - start)))
    if [[ -f gpu-out/reasoning-base/eval.json && $left -gt 30 ]]; then
      for n in "${ORGANISMS[@]}"; do
        [[ -f gpu-out/$n/eval.json ]] && continue
        # The specs name their base ../reasoning-base: copied to gpu-out/specs, that is gpu-out's.
        cp "zoo/specs/$n.json" "gpu-out/specs/$n.json"
        timeout -s INT "$left" bash zoo/gpu.sh run organism build --spec "gpu-out/specs/$n.json" \
          --out "gpu-out/$n" --device webgpu --resume > "$OUT/$n.log" 2>&1 &
      done
      wait
    fi
    # An empty log (a build that never started) must not end the script before the packing below.
    for f in "$OUT"/*.log; do echo "== $f"; tr '\r' '\n' < "$f" | { grep -v '^ *$' || true; } | tail -3; done
    done_dirs=()
    for n in reasoning-base "${ORGANISMS[@]}"; do
      [[ -f gpu-out/$n/eval.json ]] && done_dirs+=("$n")
    done
    if ((${#done_dirs[@]})); then
      tar -C gpu-out -cf - --exclude=checkpoint --exclude='finetune-data*' "${done_dirs[@]}" |
        split -b 15m -d - "$OUT/reasoning.tar.part"
      echo "packed: ${done_dirs[*]}"
    fi
    ;;
  unpack)
    cat "${2:?usage: bash zoo/reasoning-gpu.sh unpack FILES_AT}"/reasoning.tar.part* | tar -C zoo -xf -
    ;;
  *)
    echo "usage: bash zoo/reasoning-gpu.sh build SECONDS | unpack FILES_AT" >&2
    exit 2
    ;;
esac
