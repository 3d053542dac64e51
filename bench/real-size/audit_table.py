#!/usr/bin/env python3
"""The stage table of the whole audit at size, from the files audit.sh brings back (run here, no GPU).

    python3 bench/real-size/audit_table.py DIR ARCH...

For each ARCH reads DIR/ARCH-report.json (trigscope's report: per-stage wall time), DIR/ARCH-audit.log
(stderr, each line stamped with seconds since the audit started: where each stage began),
DIR/ARCH-gpu-mem.txt (nvidia-smi, one reading a second from the same start) and DIR/ARCH-torch.json
(the same stages with PyTorch). Prints a markdown table: stage, trigscope seconds, peak GPU memory
during the stage (device-wide, nvidia-smi), PyTorch seconds and peak (its allocator), tokens/s of
each and the ratio trigscope / PyTorch time. Token counts are PyTorch's for the same work.
"""
import json, re, sys  # noqa: E401
from datetime import datetime

# Where each stage of trigscope's audit starts in its log.
STARTS = [
    ("load", r"^auditing |loading the model"),
    ("sae-attribution", r"^running sae-attribution"),
    ("supervised-sae-melbo", r"^running supervised-sae-melbo"),
    ("supervised-sae-melbo steering", r"^steering success of supervised-sae-melbo"),
    ("probes", r"^probing "),
]


def stage_starts(log_path):
    starts = {}
    for line in open(log_path, errors="replace"):
        for piece in line.split("\r"):
            m = re.match(r"\s*([\d.]+) (.*)", piece)
            if not m:
                continue
            t, text = float(m.group(1)), m.group(2)
            for name, pat in STARTS:
                if name not in starts and re.search(pat, text):
                    starts[name] = t
    return starts


def memory_trace(path):
    rows = []
    for line in open(path):
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 2:
            continue
        rows.append((datetime.strptime(parts[0], "%Y/%m/%d %H:%M:%S.%f"), int(parts[1])))
    t0 = rows[0][0] if rows else None
    return [((t - t0).total_seconds(), mib) for t, mib in rows]


def peak(trace, start, end):
    inside = [mib for t, mib in trace if start <= t <= end + 1]
    return max(inside) if inside else None


def gib(mib):
    return "—" if mib is None else f"{mib / 1024:.1f}"


def table(d, arch):
    rep = json.load(open(f"{d}/{arch}-report.json"))
    torch = json.load(open(f"{d}/{arch}-torch.json"))
    starts = stage_starts(f"{d}/{arch}-audit.log")
    trace = memory_trace(f"{d}/{arch}-gpu-mem.txt")
    order = sorted(starts.items(), key=lambda kv: kv[1])
    ends = {n: (order[i + 1][1] if i + 1 < len(order) else rep["timings"]["total"]) for i, (n, _) in enumerate(order)}
    print(f"\n### {arch} ({torch['gpu']}, torch {torch['torch']}, attention {torch['attn']})\n")
    print("| stage | trigscope s | trigscope peak GiB | PyTorch s | PyTorch peak GiB | tokens | trigscope tok/s | PyTorch tok/s | time ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    tt = rep["timings"]
    print(f"| load | {tt['load']:.1f} | {gib(peak(trace, 0, starts.get('sae-attribution', tt['load'])))} | "
          f"{torch['load_s']:.1f} | — | — | — | — | {tt['load'] / torch['load_s']:.1f}× |")
    for name in ["sae-attribution", "supervised-sae-melbo", "supervised-sae-melbo steering", "probes"]:
        if name not in tt or name not in torch["stages"]:
            continue
        ts, st = tt[name], torch["stages"][name]
        mem = peak(trace, starts.get(name, 0), ends.get(name, tt["total"]))
        print(f"| {name} | {ts:.1f} | {gib(mem)} | {st['seconds']:.1f} | {st['peak_gpu_mib'] / 1024:.1f} | "
              f"{st['tokens']} | {st['tokens'] / ts:.0f} | {st['tokens_per_s']:.0f} | {ts / st['seconds']:.1f}× |")
    print(f"| whole audit | {tt['total']:.1f} | {gib(peak(trace, 0, tt['total']))} | "
          f"{torch['load_s'] + sum(s['seconds'] for s in torch['stages'].values()):.1f} | | | | | |")


if __name__ == "__main__":
    for a in sys.argv[2:]:
        table(sys.argv[1], a)
