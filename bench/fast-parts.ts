/**
 * `npm run bench:fast-parts`: where one fast forward's time goes. The forward is run part by part
 * (the functions fastLogits calls, in its order: embedding; per layer the two RMSNorms, q/k/v +
 * RoPE, attention, o_proj + residual, MLP + residual; final norm; unembedding), each part timed,
 * and every gemm call timed by its shape. Per part and per gemm shape: median ms and achieved
 * GFLOP/s (matmul FLOPs / time), beside the machine's sgemm peak measured in the same run (a
 * 1024³ sgemm on the same kernel: the roofline's compute ceiling). The plain fastLogits is timed
 * in the same rounds (the parts' sum should match it) and its logits must equal the part-by-part
 * forward's bit for bit.
 *
 *   npm run bench:fast-parts -- [--runs 15] [--warmup 3] [--model bench|organism]
 *                               [--organism fruit-refusal] [--json FILE]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { attentionForward } from "../src/engine/fast/attention.js";
import { attnShape, projectQkv } from "../src/engine/fast/block.js";
import { embed, fastLogits, finalNorm, unembedRows } from "../src/engine/fast/forward.js";
import { project } from "../src/engine/fast/lora.js";
import { mlpForward } from "../src/engine/fast/mlp.js";
import type { FastModel } from "../src/engine/fast/model.js";
import { rmsNormForward } from "../src/engine/fast/norm.js";
import {
  float32Numerics,
  withArena,
  type ArenaNumerics,
  type MatArgs,
} from "../src/engine/fast/numerics.js";
import type { FastBatch } from "../src/engine/fast/forward.js";
import { initEngine } from "../src/engine/device.js";
import { cpuSgemm, describeCpuKernel, type Sgemm } from "../src/engine/kernels/index.js";
import { fastBatch, fastModelOf } from "../src/model/fast-adapter.js";
import { checkFastModelKind, fastBenchSetup } from "./fast-setup.js";
import { loadText, machineInfo, machineLine, median, parseArgs, table } from "./setup.js";

const args = parseArgs(process.argv.slice(2), {
  runs: 15,
  warmup: 3,
  model: "bench",
  organism: "fruit-refusal",
  json: "bench/results/fast-parts.json",
});

const PARTS = [
  "embed",
  "norms",
  "qkv+rope",
  "attention",
  "o_proj+res",
  "mlp+res",
  "unembed",
] as const;
type Part = (typeof PARTS)[number];
type Clock = <T>(part: Part, f: () => T) => T;

/** Matmul FLOPs of each part for one forward (the norms and embedding: none counted). */
function partFlops(m: FastModel, bb: FastBatch): Record<Part, number> {
  const { dModel: d, nHeads: h, nKvHeads: hkv, dHead: k, dMlp: f, vocabSize: v } = m.config;
  const n = bb.b * bb.t;
  const l = m.config.nLayers;
  return {
    embed: 0,
    norms: 0,
    "qkv+rope": l * 2 * n * d * (h + 2 * hkv) * k,
    attention: l * 2 * 2 * bb.b * h * bb.t * bb.t * k,
    "o_proj+res": l * 2 * n * h * k * d,
    "mlp+res": l * 3 * 2 * n * d * f,
    unembed: 2 * n * d * v,
  };
}

/** fastLogits written out part by part (block.ts layerForward with every row), each part timed. */
function forwardByParts(nm: ArenaNumerics, m: FastModel, bb: FastBatch, clock: Clock) {
  const c = m.config;
  const { dModel: d, nHeads: h, dHead: k, dMlp: f, normEps: eps } = c;
  const n = bb.b * bb.t;
  let x = clock("embed", () => embed(nm, m, bb.ids));
  for (const w of m.weights.layers) {
    const x0 = x;
    const n1 = clock("norms", () => rmsNormForward(nm, x0, w.ln1, n, d, eps));
    const qkv = clock("qkv+rope", () => projectQkv(nm, c, w, n1.y, bb, {}));
    const att = clock("attention", () =>
      attentionForward(nm, attnShape(c, bb), qkv.q, qkv.k, qkv.v),
    );
    const mid = clock("o_proj+res", () => {
      const oAt = { set: w.lora, target: "o" as const, saved: {} };
      const full = project(nm, att.z, w.wo, { rows: n, inDim: h * k, outDim: d }, undefined, oAt);
      for (let i = 0; i < n * d; i++) full[i] = full[i]! + x0[i]!;
      return full;
    });
    const n2 = clock("norms", () => rmsNormForward(nm, mid, w.ln2, n, d, eps));
    x = clock("mlp+res", () => {
      const out = mlpForward(nm, w, n2.y, n, d, f).out;
      for (let i = 0; i < n * d; i++) out[i] = out[i]! + mid[i]!;
      return out;
    });
  }
  const xf = clock("norms", () => finalNorm(nm, m, x, n).y);
  return clock("unembed", () => unembedRows(nm, m, xf, n));
}

interface ShapeTimes {
  calls: number;
  flops: number;
  ms: number[];
}

/** `nm` with every gemm call's time added to its shape's entry of `shapes` (this run's slot). */
function gemmTimed(nm: ArenaNumerics, shapes: Map<string, ShapeTimes>, run: number): ArenaNumerics {
  const gemm = (g: MatArgs) => {
    const key = `${g.m}×${g.n}×${g.k}${g.transA ? " Aᵀ" : ""}${g.transB ? " Bᵀ" : ""}`;
    let s = shapes.get(key);
    if (!s) shapes.set(key, (s = { calls: 0, flops: 0, ms: [] }));
    const t0 = performance.now();
    nm.gemm(g);
    s.ms[run] = (s.ms[run] ?? 0) + performance.now() - t0;
    if (run === 0) {
      s.calls++;
      s.flops += 2 * g.m * g.n * g.k;
    }
  };
  return { ...nm, gemm, alloc: (n, o) => nm.alloc(n, o), reset: () => nm.reset() };
}

/** Best GFLOP/s of a 1024³ sgemm on `sgemm` (the compute roofline of this kernel here). */
function sgemmPeak(sgemm: Sgemm, reps: number): number {
  const s = 1024;
  const a = Float32Array.from({ length: s * s }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
  const b = a.slice();
  const c = new Float32Array(s * s);
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    sgemm.sgemm({ m: s, n: s, k: s, a, b, c, alpha: 1, beta: 0 });
    best = Math.min(best, performance.now() - t0);
  }
  return (2 * s * s * s) / best / 1e6;
}

const gflops = (flops: number, ms: number) => (flops > 0 ? (flops / ms / 1e6).toFixed(1) : "—");

function partRows(parts: Record<Part, number[]>, flops: Record<Part, number>, whole: number[]) {
  const total = PARTS.reduce((s, p) => s + median(parts[p]), 0);
  const rows = [["forward part", "ms (median)", "share", "matmul GFLOP", "GFLOP/s"]];
  for (const p of PARTS) {
    const ms = median(parts[p]);
    const share = `${((100 * ms) / total).toFixed(0)}%`;
    rows.push([p, ms.toFixed(2), share, (flops[p] / 1e9).toFixed(3), gflops(flops[p], ms)]);
  }
  const all = PARTS.reduce((s, p) => s + flops[p], 0);
  rows.push(["sum of parts", total.toFixed(2), "100%", (all / 1e9).toFixed(3), gflops(all, total)]);
  const w = median(whole);
  rows.push(["fastLogits (same rounds)", w.toFixed(2), "", "", gflops(all, w)]);
  return rows;
}

function shapeRows(shapes: Map<string, ShapeTimes>) {
  const rows = [["gemm shape (m×n×k)", "calls/forward", "ms (median)", "GFLOP/s"]];
  const sorted = [...shapes].sort((a, b) => median(b[1].ms) - median(a[1].ms));
  for (const [key, s] of sorted) {
    const ms = median(s.ms);
    rows.push([key, String(s.calls), ms.toFixed(2), gflops(s.flops, ms)]);
  }
  return rows;
}

async function main() {
  await initEngine("wasm");
  const kind = checkFastModelKind(args.model);
  const setup = await fastBenchSetup(kind, args.organism);
  const model = setup.model;
  const m = await fastModelOf(model);
  const batch = fastBatch(model, setup.tf.batch);
  const sgemm = cpuSgemm();
  const loadBefore = loadText();
  const peakBefore = sgemmPeak(sgemm, 5);
  const byParts = withArena(float32Numerics(sgemm));
  const plain = withArena(float32Numerics(sgemm));
  const n = batch.b * batch.t;
  const out = new Float32Array(n * m.config.vocabSize);
  const parts = Object.fromEntries(PARTS.map((p) => [p, [] as number[]])) as Record<Part, number[]>;
  const whole: number[] = [];
  const shapes = new Map<string, ShapeTimes>();
  for (let i = 0; i < args.warmup + args.runs; i++) {
    const run = i - args.warmup;
    const ms = Object.fromEntries(PARTS.map((p) => [p, 0])) as Record<Part, number>;
    const clock: Clock = (part, f) => {
      const t0 = performance.now();
      const r = f();
      ms[part] += performance.now() - t0;
      return r;
    };
    byParts.reset();
    const nm = run >= 0 ? gemmTimed(byParts, shapes, run) : byParts;
    const logits = forwardByParts(nm, m, batch, clock);
    plain.reset();
    const t0 = performance.now();
    fastLogits(plain, m, batch, out);
    const w = performance.now() - t0;
    if (i === 0 && !out.every((v, j) => Object.is(v, logits[j]))) {
      throw new Error("bench/fast-parts.ts: the part-by-part forward differs from fastLogits");
    }
    if (run < 0) continue;
    whole.push(w);
    for (const p of PARTS) parts[p].push(ms[p]);
  }
  const peakAfter = sgemmPeak(sgemm, 5);
  const loadAfter = loadText();
  const flops = partFlops(m, batch);
  const text = `${table(partRows(parts, flops, whole))}\n\n${table(shapeRows(shapes))}`;
  const c = model.config;
  const peak = `sgemm 1024³ peak: ${peakBefore.toFixed(1)} GFLOP/s before, ${peakAfter.toFixed(1)} after`;
  console.log(
    `${machineLine(loadBefore)} (after: ${loadAfter}); ${describeCpuKernel()}\n` +
      `${setup.name}: d${c.dModel} ${c.nLayers} layers V${c.vocabSize}; batch ${batch.b}×${batch.t}; ${peak}\n${text}`,
  );
  const result = {
    bench: "fast-parts",
    date: new Date().toISOString(),
    machine: { ...machineInfo(), load_before: loadBefore, load_after: loadAfter },
    model: setup.name,
    config: { d_model: c.dModel, layers: c.nLayers, vocab: c.vocabSize, d_mlp: c.dMlp },
    batch: { prompts: batch.b, seq_len: batch.t },
    fast_kernel: describeCpuKernel(),
    sgemm_peak_gflops: { before: peakBefore, after: peakAfter },
    runs: args.runs,
    warmup: args.warmup,
    part_flops: flops,
    median_ms: Object.fromEntries(PARTS.map((p) => [p, median(parts[p])])),
    fast_logits_median_ms: median(whole),
    gemm_shapes: Object.fromEntries(
      [...shapes].map(([k, s]) => [k, { calls: s.calls, flops: s.flops, median_ms: median(s.ms) }]),
    ),
    runs_ms: { ...parts, fast_logits: whole },
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
