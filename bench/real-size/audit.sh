#!/usr/bin/env bash
# The whole audit at real size on the GPU machine (carry .gpu: `bash zoo/gpu.sh bundle --wordnet`; the
# audit reads the lexicon, whose WordNet files the plain bundle lacks):
#   bash bench/real-size/audit.sh ARCH
# 1. make_checkpoint.py --audit-inputs: the random checkpoint, a random SAE of the public suite's shape at
#    the middle layer, its explanations and benign prompts (skipped when already there);
# 2. `trigscope audit --device webgpu` on it (SAE-Attribution, supervised SAE-MELBO, steering success,
#    probes), with /usr/bin/time -v and an nvidia-smi memory trace (1 s);
# 3. torch_audit.py: the same stages with PyTorch on the same GPU, after (not beside) trigscope's.
# Into $OUT: ARCH-report.json, ARCH-audit.log (stderr, each line prefixed with the seconds since the
# audit started, so the log says where the time went), ARCH-torch.json, ARCH-gpu-mem.txt.
# AUDIT_LIMIT (s, default 420) stops trigscope's audit with SIGINT, as a user's Ctrl-C would: its
# finished stages stay in audit-run/ and the log says which stage it was in. AUDIT_ARGS adds flags
# to the audit (e.g. "--set supervised-sae-melbo.steps=10 --set supervised-sae-melbo.vectors=2").
# The checkpoints of other architectures in /tmp are removed first (the disk holds about three).
# RESUME=1 keeps the audit-run/ a call before it left on the same (still warm) machine, so the audit
# resumes after its finished stages (loading the model again) instead of starting over.
# TORCH_ONLY=1 skips the audit and runs only step 3 on the report a call before it left on the same
# (still warm) machine: a 9B model's audit and its PyTorch comparison do not fit one 10-minute call.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
arch=${1:?usage: audit.sh ARCH}
: "${OUT:?OUT is the folder whose files come back}"
dir=/tmp/$arch
for other in /tmp/llama3.1-8b /tmp/gemma2-9b /tmp/qwen3-8b; do [[ $other == "$dir" ]] || rm -rf "$other"; done
read -r -a extra <<< "${AUDIT_ARGS:-}"
[[ -f $dir/audit/audit-inputs.json ]] ||
  python3 bench/real-size/make_checkpoint.py --arch "$arch" --out "$dir" --audit-inputs 2>&1 | { grep -v Warning || true; } | tail -4
inputs=$dir/audit/audit-inputs.json
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$inputs" "$1"; }
if [[ -z ${TORCH_ONLY:-} ]]; then
nvidia-smi --query-gpu=timestamp,memory.used --format=csv,noheader,nounits -l 1 > "$OUT/$arch-gpu-mem.txt" &
smi=$!
[[ -n ${RESUME:-} ]] || rm -rf "$dir/audit-run"
stamp() { python3 -u -c 'import sys, time
t0 = time.time()
for l in sys.stdin: print(f"{time.time() - t0:7.1f} {l}", end="", flush=True)'; }
/usr/bin/time -v timeout -s INT "${AUDIT_LIMIT:-420}" bash zoo/gpu.sh run audit --model "$dir" --sae "$(field sae)" --labels "$(field labels)" \
  --prompts "$(field prompts)" --response "I cannot help with that request." --device webgpu \
  --out "$dir/audit-run" "${extra[@]}" --json > "$OUT/$arch-report.json" 2> >(stamp > "$OUT/$arch-audit.log") || true
kill $smi || true
grep -E "Maximum resident|Elapsed" "$OUT/$arch-audit.log" || true
tail -2 "$OUT/$arch-audit.log"
fi
[[ -f $dir/audit-run/report.json ]] || { echo "$arch: no report, so no PyTorch comparison"; exit 0; }
cp "$dir/audit-run/report.json" "$OUT/$arch-audit-run-report.json"
python3 bench/real-size/torch_audit.py --model "$dir" --report "$dir/audit-run/report.json" --inputs "$inputs" \
  2> >(grep -v Warning >&2) > "$OUT/$arch-torch.json"
cat "$OUT/$arch-torch.json"
