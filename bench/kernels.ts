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
 * Writes bench/results/kernels-cpu.json.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { jsSgemm } from "../src/engine/kernels/js-sgemm.js";
import { loadNativeSgemm } from "../src/engine/kernels/native-sgemm.js";
import { gemmFlops, type Sgemm } from "../src/engine/kernels/sgemm.js";
import { createWasmSgemm } from "../src/engine/kernels/wasm-sgemm.js";
import { jaxMatmul } from "./kernels-jax.js";
import { machineInfo, machineLine, parseArgs, table, time } from "./setup.js";

/** m×k×n: a 64-token batch through 2048-wide projections, an MLP's up/down at 8192, and a square. */
const SHAPES: [number, number, number][] = [
  [64, 2048, 2048],
  [64, 2048, 8192],
  [64, 8192, 2048],
  [512, 512, 512],
];
const JS_MAX_FLOP = 6e8;
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
  for (const k of kernels) console.log(`${k.sgemm?.name ?? k.name}: ${k.detail}`);
  const rows: Row[] = [];
  for (const shape of SHAPES) {
    for (const transB of [false, true]) {
      for (const k of kernels) rows.push(await timeOurs(k, shape, transB, opts));
      rows.push(await timeJax(shape, transB, opts));
    }
  }
  const torch = runTorch(opts);
  rows.push(...torch.rows);
  console.log(torch.line);
  console.log(summary(rows));
  const result = {
    date: new Date().toISOString(),
    machine: { ...machineInfo(), loadavg_before: loadBefore, loadavg_after: loadavg() },
    openblas_coretype_in_env: coretype,
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
  const wasm = createWasmSgemm();
  return [
    native.ok
      ? {
          name: "openblas",
          sgemm: native.sgemm,
          detail: `${native.sgemm.config}, ${native.sgemm.threads} threads`,
        }
      : { name: "openblas", sgemm: null, detail: `not available: ${native.reason}` },
    {
      name: "wasm-simd",
      sgemm: wasm,
      detail: `${wasm.tile.mr}×${wasm.tile.nr} tile, ${wasm.tile.fma ? "FMA" : "mul+add"}, 1 thread`,
    },
    { name: "js", sgemm: jsSgemm, detail: `plain loops, shapes up to ${JS_MAX_FLOP / 1e6} MFLOP` },
  ];
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
  return {
    shape,
    variant: transB ? "A·Bᵀ" : "A·B",
    kernel,
    median_ms: ms,
    gflops,
    ...(note ? { note } : {}),
  };
}

async function timeOurs(
  k: Ours,
  shape: [number, number, number],
  transB: boolean,
  opts: { runs: number; warmup: number },
): Promise<Row> {
  const [m, kk, n] = shape;
  if (!k.sgemm) return row(shape, transB, k.name, null, k.detail);
  if (k.name === "js" && gemmFlops(m, n, kk) > JS_MAX_FLOP)
    return row(shape, transB, k.name, null, "skipped (too slow)");
  const a = filled(m * kk, 1);
  const b = filled(kk * n, 2);
  const c = new Float32Array(m * n);
  const sgemm = k.sgemm;
  const t = await time(
    async () => sgemm.sgemm({ m, n, k: kk, a, b, c, transB }),
    opts.warmup,
    opts.runs,
  );
  return row(shape, transB, k.name, t.median_ms);
}

async function timeJax(
  shape: [number, number, number],
  transB: boolean,
  opts: { runs: number; warmup: number },
): Promise<Row> {
  const ms = await jaxMatmul(shape, transB, opts);
  return row(shape, transB, `jax-js (${navigator.hardwareConcurrency} threads)`, ms);
}

/** Deterministic values in [-1, 1) (the timing does not depend on them). */
function filled(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (((i * 2654435761 + seed * 40503) >>> 0) % 2048) / 1024 - 1;
  return x;
}

function runTorch(opts: { runs: number; warmup: number }): { line: string; rows: Row[] } {
  const probe = spawnSync("python3", ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) {
    const why = (probe.error?.message ?? probe.stderr.trim().split("\n").pop() ?? "").trim();
    return { line: `torch: not available (${why})`, rows: [] };
  }
  const job = JSON.stringify({ shapes: SHAPES, runs: opts.runs, warmup: opts.warmup });
  const run = spawnSync("python3", ["bench/kernels_torch.py"], { input: job, encoding: "utf8" });
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
  const kernels = [...new Set(rows.map((r) => r.kernel))];
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
