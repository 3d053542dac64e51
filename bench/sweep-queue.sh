#!/usr/bin/env bash
# A sweep through BullMQ on this machine, as it would run across machines: a throw-away
# redis-server on a free loopback port, WORKERS `trigscope worker` processes (sharing OUT as their
# results folder) and the producer (`trigscope sweep --queue`), timed; everything it started is
# stopped by PID at the end. Run it again with the same OUT to resume (finished cells are skipped).
#
#   bash bench/sweep-queue.sh SPEC OUT [WORKERS=2]
#   bash bench/sweep-queue.sh bench/sweeps/zoo-queue-12.yaml bench/results/sweep-zoo-queue-12 2
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
spec=$1 out=$2 workers=${3:-2}
command -v redis-server >/dev/null || { echo "redis-server is missing (apt-get install redis-server)"; exit 1; }
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
mkdir -p "$out"
redis_dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$redis_dir" >"$out/redis.log" &
pids=($!)
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop EXIT
until grep -q "Ready to accept connections" "$out/redis.log"; do sleep 0.2; done
for i in $(seq 1 "$workers"); do
  node bin/trigscope.js worker --queue "redis://127.0.0.1:$port" --results "$out" --name "w$i" \
    2>>"$out/worker-$i.log" &
  pids+=($!)
done
start=$(date +%s)
node bin/trigscope.js sweep "$spec" --out "$out" --queue "redis://127.0.0.1:$port"
echo "wall time: $(( $(date +%s) - start )) s with $workers workers"
