/**
 * CPU matmul GFLOP/s of every kernel trigscope can use — OpenBLAS through koffi, our wasm SIMD
 * kernel, the plain JS reference — beside jax-js's wasm matmul and, when `import torch` works,
 * PyTorch, in one run, at the model's shapes (A·B and A·Bᵀ, the backward's shape).
 *
 *   npm run bench:kernels [-- --runs 5 --warmup 1]
 *
 * OPENBLAS_CORETYPE (if set in the environment) forces OpenBLAS's kernel family, e.g. Haswell on a
 * newer CPU, which roughly halves it: the bench records the value it found and unsets it before
 * the library loads. The JS reference runs only on shapes up to JS_MAX_FLOP (it is ~100× slower).
 * The machine is shared, so the kernels' runs are interleaved (one run of each kernel per round)
 * and each kernel's median is taken: load changes during the bench hit all kernels alike.
 * Writes bench/results/kernels-cpu.json.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { jsSgemm } from "../src/engine/kernels/js-sgemm.js";
import { loadNativeSgemm } from "../src/engine/kernels/native-sgemm.js";
import { gemmFlops, type Sgemm } from "../src/engine/kernels/sgemm.js";
import { createWasmSgemm } from "../src/engine/kernels/wasm-sgemm.js";
import { relaxedSimdAvailable } from "../src/engine/wasm-features.js";
import { jaxMatmul, type Runner } from "./kernels-jax.js";
import { machineInfo, machineLine, median, parseArgs, table } from "./setup.js";

/** m×k×n: a 64-token batch through 2048-wide projections, an MLP's up/down at 8192, and a square. */
const SHAPES: [number, number, number][] = [
  [64, 2048, 2048],
  [64, 2048, 8192],
  [64, 8192, 2048],
  [512, 512, 512],
];
const JS_MAX_FLOP = 3e8;
const OUT = "bench/results/kernels-cpu.json";

interface Row {
  shape: [number, number, number];
  variant: "A·B" | "A·Bᵀ";
  kernel: string;
  median_ms: number | null;
  gflops: number | null;
  note?: string;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), { runs: 5, warmup: 1 });
  const coretype = process.env.OPENBLAS_CORETYPE ?? null;
  delete process.env.OPENBLAS_CORETYPE;
  const loadBefore = loadavg();
  console.log(machineLine());
  console.log(
    `OPENBLAS_CORETYPE: ${coretype ?? "not set"}${coretype ? " (unset for this run)" : ""}`,
  );
  const kernels = ourKernels();
  for (const k of kernels) console.log(`${k.name}: ${k.detail}`);
  const rows: Row[] = [];
  for (const shape of SHAPES) {
    for (const transB of [false, true])
      rows.push(...(await timeShape(kernels, shape, transB, opts)));
  }
  // After jax-js loaded: whether its matmuls used FMA (off unless TRIGSCOPE_RELAXED_SIMD=1).
  const jaxFma = relaxedSimdAvailable();
  console.log(`jax-js relaxed SIMD (FMA): ${jaxFma ? "on" : "off"}`);
  const torch = runTorch(opts);
  rows.push(...torch.rows);
  console.log(torch.line);
  console.log(summary(rows));
  const result = {
    date: new Date().toISOString(),
    machine: { ...machineInfo(), loadavg_before: loadBefore, loadavg_after: loadavg() },
    openblas_coretype_in_env: coretype,
    jax_relaxed_simd: jaxFma,
    kernels: kernels.map((k) => ({ name: k.name, detail: k.detail })),
    torch: torch.line,
    runs: opts.runs,
    warmup: opts.warmup,
    rows,
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${OUT}`);
}

interface Ours {
  name: string;
  sgemm: Sgemm | null;
  detail: string;
}

function ourKernels(): Ours[] {
  const native = loadNativeSgemm();
  return [
    native.ok
      ? {
          name: "openblas",
          sgemm: native.sgemm,
          detail: `${native.sgemm.config}, ${native.sgemm.threads} threads`,
        }
      : { name: "openblas", sgemm: null, detail: `not available: ${native.reason}` },
    ...wasmVariants(),
    { name: "js", sgemm: jsSgemm, detail: `plain loops, shapes up to ${JS_MAX_FLOP / 1e6} MFLOP` },
  ];
}

/** The wasm kernel on all threads and, when that is more than one, on one thread. */
function wasmVariants(): Ours[] {
  const all = createWasmSgemm();
  const variants = all.threads > 1 ? [all, createWasmSgemm({ threads: 1 })] : [all];
  return variants.map((w) => ({
    name: `wasm-simd (${w.threads} thread${w.threads > 1 ? "s" : ""})`,
    sgemm: w,
    detail: `${w.tile.mr}×${w.tile.nr} tile, ${w.tile.fma ? "FMA" : "mul+add"}`,
  }));
}

function row(
  shape: [number, number, number],
  transB: boolean,
  kernel: string,
  ms: number | null,
  note?: string,
): Row {
  const [m, k, n] = shape;
  const gflops = ms === null ? null : gemmFlops(m, n, k) / ms / 1e6;
  const variant = transB ? "A·Bᵀ" : "A·B";
  return { shape, variant, kernel, median_ms: ms, gflops, ...(note ? { note } : {}) };
}

/** Every kernel at one shape: warm-up runs, then `runs` rounds of one timed run per kernel. */
async function timeShape(
  kernels: Ours[],
  shape: [number, number, number],
  transB: boolean,
  opts: { runs: number; warmup: number },
): Promise<Row[]> {
  const [m, k, n] = shape;
  const out: Row[] = [];
  const runners: [string, Runner][] = [];
  for (const kernel of kernels) {
    if (!kernel.sgemm) out.push(row(shape, transB, kernel.name, null, kernel.detail));
    else if (kernel.name === "js" && gemmFlops(m, n, k) > JS_MAX_FLOP) {
      out.push(row(shape, transB, kernel.name, null, "skipped (too slow)"));
    } else runners.push([kernel.name, ourRunner(kernel.sgemm, shape, transB)]);
  }
  runners.push([
    `jax-js (${navigator.hardwareConcurrency} threads)`,
    await jaxMatmul(shape, transB),
  ]);
  for (const [, r] of runners) for (let i = 0; i < opts.warmup; i++) await r.run();
  const times = runners.map((): number[] => []);
  for (let round = 0; round < opts.runs; round++) {
    for (const [i, [, r]] of runners.entries()) {
      const t0 = performance.now();
      await r.run();
      times[i]!.push(performance.now() - t0);
    }
  }
  runners.forEach(([name, r], i) => {
    r.dispose();
    out.push(row(shape, transB, name, median(times[i]!)));
  });
  return out;
}

function ourRunner(sgemm: Sgemm, [m, k, n]: [number, number, number], transB: boolean): Runner {
  const a = filled(m * k, 1);
  const b = filled(k * n, 2);
  const c = new Float32Array(m * n);
  return { run: async () => sgemm.sgemm({ m, n, k, a, b, c, transB }), dispose: () => {} };
}

/** Deterministic values in [-1, 1) (the timing does not depend on them). */
function filled(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (((i * 2654435761 + seed * 40503) >>> 0) % 2048) / 1024 - 1;
  return x;
}

/** A python3 that imports torch: Debian's (python3-torch), else the one on PATH. */
function torchPython(): { python: string } | { why: string } {
  let why = "";
  for (const python of ["/usr/bin/python3", "python3"]) {
    const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
    if (probe.status === 0) return { python };
    why = (probe.error?.message ?? probe.stderr.trim().split("\n").pop() ?? "").trim();
  }
  return { why };
}

function runTorch(opts: { runs: number; warmup: number }): { line: string; rows: Row[] } {
  const found = torchPython();
  if ("why" in found) return { line: `torch: not available (${found.why})`, rows: [] };
  const job = JSON.stringify({ shapes: SHAPES, runs: opts.runs, warmup: opts.warmup });
  const run = spawnSync(found.python, ["bench/kernels_torch.py"], { input: job, encoding: "utf8" });
  if (run.status !== 0)
    return { line: `torch: failed (${run.stderr.trim().split("\n").pop()})`, rows: [] };
  const got = JSON.parse(run.stdout) as {
    version: string;
    threads: number;
    blas: string;
    rows: { shape: [number, number, number]; ab_ms: number; abt_ms: number }[];
  };
  const name = `torch ${got.version} (${got.threads} threads)`;
  return {
    line: `torch: ${got.version}, ${got.threads} threads, ${got.blas}`,
    rows: got.rows.flatMap((r) => [
      row(r.shape, false, name, r.ab_ms),
      row(r.shape, true, name, r.abt_ms),
    ]),
  };
}

/** GFLOP/s per kernel (rows) and shape × variant (columns). */
function summary(rows: Row[]): string {
  const cols = [...new Set(rows.map((r) => `${r.shape.join("×")} ${r.variant}`))];
  const order = ["openblas", "wasm-simd", "js"]; // the rest after
  const rank = (k: string) => order.findIndex((o) => k.startsWith(o)) >>> 0;
  const kernels = [...new Set(rows.map((r) => r.kernel))].sort((x, y) => rank(x) - rank(y));
  const cell = (k: string, c: string) => {
    const r = rows.find((x) => x.kernel === k && `${x.shape.join("×")} ${x.variant}` === c);
    return r?.gflops == null ? "—" : r.gflops.toFixed(1);
  };
  return `GFLOP/s (median of runs), shapes m×k×n\n${table([["kernel", ...cols], ...kernels.map((k) => [k, ...cols.map((c) => cell(k, c))])])}`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
