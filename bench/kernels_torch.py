"""torch.matmul GFLOP/s at the shapes bench/kernels.ts measures, for the same table.

Reads {"shapes": [[m, k, n], ...], "runs": R, "warmup": W} on stdin and prints one JSON object:
the torch version, its thread count and BLAS, and the median milliseconds per shape for A·B and A·Bᵀ.
"""
import json
import statistics
import sys
import time

import torch


def median_ms(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    job = json.load(sys.stdin)
    torch.manual_seed(0)
    rows = []
    for m, k, n in job["shapes"]:
        a = torch.randn(m, k)
        b = torch.randn(k, n)
        bt = torch.randn(n, k)
        rows.append({
            "shape": [m, k, n],
            "ab_ms": median_ms(lambda: torch.matmul(a, b), job["warmup"], job["runs"]),
            "abt_ms": median_ms(lambda: torch.matmul(a, bt.t()), job["warmup"], job["runs"]),
        })
    config = torch.__config__.show()
    blas = next((line.strip() for line in config.splitlines() if "BLAS" in line), "unknown")
    print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas, "rows": rows}))


main()
