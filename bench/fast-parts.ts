/**
 * `npm run bench:fast-parts`: where one fast forward's time goes, with the elementwise loops on the
 * wasm SIMD kernels (kernels/wasm-elementwise.ts) and on the plain JS loops, interleaved (one of
 * each per round, the machine being shared), on the zoo's fruit-refusal organism at the audit's
 * batch (bench/step-setup.ts). Each Numerics call is timed: gemm, swiglu, softmax; "other" is the
 * rest of the pass (norms, RoPE, residual adds, embedding, copies). Medians over the runs.
 *
 *   npm run bench:fast-parts -- [--runs 15] [--warmup 3] [--organism fruit-refusal] [--json FILE]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { initEngine } from "../src/engine/device.js";
import { fastLogits } from "../src/engine/fast/forward.js";
import {
  float32Numerics,
  withArena,
  type ArenaNumerics,
  type Numerics,
} from "../src/engine/fast/numerics.js";
import { cpuSgemm, describeCpuKernel } from "../src/engine/kernels/index.js";
import { wasmElementwise } from "../src/engine/kernels/wasm-elementwise.js";
import { fastBatch, fastModelOf } from "../src/model/fast-adapter.js";
import { loadText, machineInfo, machineLine, median, parseArgs, table } from "./setup.js";
import { stepSetup } from "./step-setup.js";

const args = parseArgs(process.argv.slice(2), {
  runs: 15,
  warmup: 3,
  organism: "fruit-refusal",
  json: "bench/results/fast-parts.json",
});
const PARTS = ["total", "gemm", "swiglu", "softmax", "other"] as const;
type Part = (typeof PARTS)[number];

/** `nm` with its gemm, swiglu and softmaxRows calls timed into `ms`. */
function timed(nm: ArenaNumerics, ms: Record<Part, number>): ArenaNumerics {
  const clock =
    <A extends unknown[]>(part: Part, f: (...a: A) => void) =>
    (...a: A) => {
      const t0 = performance.now();
      f(...a);
      ms[part] += performance.now() - t0;
    };
  const wrapped: Numerics = {
    ...nm,
    gemm: clock("gemm", (g) => nm.gemm(g)),
    swiglu: clock("swiglu", (...a: Parameters<Numerics["swiglu"]>) => nm.swiglu(...a)),
    softmaxRows: clock("softmax", (...a: Parameters<Numerics["softmaxRows"]>) =>
      nm.softmaxRows(...a),
    ),
  };
  return { ...wrapped, reset: () => nm.reset() };
}

async function main() {
  await initEngine("wasm");
  const loadBefore = loadText();
  if (!wasmElementwise()) throw new Error("this runtime has no wasm SIMD: nothing to compare");
  const { cm, lb } = await stepSetup(args.organism, 1);
  const model = cm.model;
  const m = await fastModelOf(model);
  const batch = fastBatch(model, lb.batch);
  const sgemm = cpuSgemm();
  const variants = {
    simd: withArena(float32Numerics(sgemm)),
    js: withArena(float32Numerics(sgemm, null)),
  };
  const runs: Record<string, Record<Part, number[]>> = {};
  for (let i = 0; i < args.warmup + args.runs; i++) {
    for (const [name, nm] of Object.entries(variants)) {
      const ms: Record<Part, number> = { total: 0, gemm: 0, swiglu: 0, softmax: 0, other: 0 };
      nm.reset();
      const t0 = performance.now();
      fastLogits(timed(nm, ms), m, batch);
      ms.total = performance.now() - t0;
      ms.other = ms.total - ms.gemm - ms.swiglu - ms.softmax;
      if (i < args.warmup) continue;
      runs[name] ??= { total: [], gemm: [], swiglu: [], softmax: [], other: [] };
      for (const p of PARTS) runs[name][p].push(ms[p]);
    }
  }
  const loadAfter = loadText();
  const medians = Object.fromEntries(
    Object.entries(runs).map(([k, r]) => [
      k,
      Object.fromEntries(PARTS.map((p) => [p, median(r[p])])),
    ]),
  ) as Record<string, Record<Part, number>>;
  const rows = [
    ["forward part (ms, median)", "js elementwise", "wasm simd elementwise"],
    ...PARTS.map((p) => [p, medians.js![p].toFixed(1), medians.simd![p].toFixed(1)]),
  ];
  const text = table(rows);
  const c = model.config;
  console.log(
    `${machineLine(loadBefore)} (after: ${loadAfter}); ${describeCpuKernel()}\n` +
      `${args.organism}: d${c.dModel} ${c.nLayers} layers; batch ${lb.batch.batch}×${lb.batch.seqLen}\n${text}`,
  );
  const result = {
    bench: "fast-parts",
    date: new Date().toISOString(),
    machine: { ...machineInfo(), load_before: loadBefore, load_after: loadAfter },
    organism: args.organism,
    batch: { prompts: lb.batch.batch, seq_len: lb.batch.seqLen },
    fast_kernel: describeCpuKernel(),
    runs: args.runs,
    warmup: args.warmup,
    median_ms: medians,
    runs_ms: runs,
    table: text,
  };
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(args.json, `${JSON.stringify(result, null, 1)}\n`);
  model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
